package io.changegraph.control;

import io.etcd.jetcd.ByteSequence;

import java.nio.charset.StandardCharsets;

/**
 * The key layout under {@code /changegraph/} (docs/control.md):
 * <pre>
 * /changegraph/hosts/HOST             an agent's registration, under its lease (JSON {@link HostStatus})
 * /changegraph/rules/default          the fleet's rules (JSON {@link Release})
 * /changegraph/rules/staged           a gray release: rules for a group or host glob only
 * /changegraph/config/default|staged  the same for the live configuration
 * /changegraph/history/rules|config   one key rewritten by every push, promote and rollback: its etcd revisions are
 *                                     the history (never read by agents)
 * </pre>
 */
final class Keys {
    static final String ROOT = "/changegraph/";
    static final String HOSTS = ROOT + "hosts/";

    private Keys() {
    }

    static String prefix(Channel c) {
        return ROOT + c.word() + "/";
    }

    static String fleetDefault(Channel c) {
        return prefix(c) + "default";
    }

    static String staged(Channel c) {
        return prefix(c) + "staged";
    }

    static String history(Channel c) {
        return ROOT + "history/" + c.word();
    }

    static String host(String host) {
        return HOSTS + host;
    }

    static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    static String text(ByteSequence b) {
        return b.toString(StandardCharsets.UTF_8);
    }
}
