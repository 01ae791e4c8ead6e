package io.changegraph.consumer;

import java.util.List;

/** Signal names of Linux x86-64 (and most architectures) for the {@code signal} verb's detail. */
final class Signals {
    private static final List<String> NAMES = List.of("SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP",
            "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM",
            "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG",
            "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS");

    private Signals() {
    }

    /** SIGTERM for 15; "0" for the existence probe; SIG34 for a real-time signal. */
    static String name(int signal) {
        if (signal == 0) {
            return "0";
        }
        return signal >= 1 && signal <= NAMES.size() ? NAMES.get(signal - 1) : "SIG" + signal;
    }
}
