package io.changegraph.controller;

import java.lang.reflect.InvocationTargetException;

/**
 * The jar's entry point, compiled for Java 8 so that any JVM can run it: on a JDK older than 22 it
 * says so in one line (exit 2) instead of failing with a class-version stack trace; otherwise it
 * hands over to {@code Main}.
 */
public final class Launch {
    private static final int MIN_JDK = 22;

    private Launch() {
    }

    public static void main(String[] args) throws Throwable {
        String spec = System.getProperty("java.specification.version", "0");
        int feature = Integer.parseInt(spec.startsWith("1.") ? spec.substring(2) : spec.split("\\.")[0]);
        if (feature < MIN_JDK) {
            System.err.println("changegraph: Java " + spec + " is too old: changegraph needs a JDK " + MIN_JDK
                    + " or newer (run it with bin/changegraph, which finds one, or set JAVA_HOME)");
            System.exit(2);
        }
        try {
            Class.forName("io.changegraph.controller.cli.Main").getMethod("main", String[].class)
                    .invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
