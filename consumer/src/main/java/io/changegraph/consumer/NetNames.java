package io.changegraph.consumer;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The names the followed processes' DNS answers gave to addresses, for naming the remote nodes they
 * connect to afterwards. One table per consumer (per session); the least recently learnt addresses are
 * forgotten beyond {@value #MAX_ADDRESSES}. Used on the consumer's one thread.
 */
final class NetNames {
    static final int MAX_ADDRESSES = 4096;
    private static final int MAX_NAMES_PER_ADDRESS = 8;

    private final Map<String, TreeSet<String>> byAddress = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, TreeSet<String>> eldest) {
            return size() > MAX_ADDRESSES;
        }
    };

    void learn(DnsAnswers.Answer answer) {
        add(answer.address(), answer.name());
        if (answer.family().equals("ipv4")) {
            add("::ffff:" + answer.address(), answer.name());   // the same address from an AF_INET6 socket
        }
    }

    private void add(String address, String name) {
        TreeSet<String> names = byAddress.computeIfAbsent(address, a -> new TreeSet<>());
        if (names.add(name) && names.size() > MAX_NAMES_PER_ADDRESS) {
            names.pollLast();
        }
    }

    /** The names learnt for an address (sorted), empty when none. */
    List<String> of(String address) {
        TreeSet<String> names = byAddress.get(address);
        return names == null ? List.of() : List.copyOf(names);
    }
}
