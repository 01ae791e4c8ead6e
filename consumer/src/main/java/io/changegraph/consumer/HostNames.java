package io.changegraph.consumer;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The names DNS answers gave to addresses, host-wide (netwatch): every answer any process received, parsed as
 * the session recorder parses its followed processes' ones ({@link DnsAnswers}). An address keeps the name of
 * the latest answer that gave it. At most {@code capacity} addresses are kept; the least recently learnt or used
 * one is forgotten to make room, and counted in {@link #evicted()}. Not thread-safe: one thread learns and asks.
 */
public final class HostNames {
    private final int capacity;
    private final LinkedHashMap<InetAddress, String> byAddress;
    private long evicted;
    private long answers;

    public HostNames(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("a name cache of " + capacity + " addresses: give at least 1");
        }
        this.capacity = capacity;
        this.byAddress = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<InetAddress, String> eldest) {
                if (size() > HostNames.this.capacity) {
                    evicted++;
                    return true;
                }
                return false;
            }
        };
    }

    /**
     * Learns the addresses of one DNS message (without a TCP length prefix); anything that is not a response with
     * A or AAAA answers teaches nothing. Returns how many addresses it named.
     */
    public int learn(byte[] message) {
        int named = 0;
        for (DnsAnswers.Answer answer : DnsAnswers.parse(message)) {
            try {
                byAddress.put(InetAddress.getByName(answer.address()), answer.name());   // a literal: no lookup
                named++;
            } catch (UnknownHostException e) {
                // DnsAnswers writes only address literals
            }
        }
        if (named > 0) {
            answers++;
        }
        return named;
    }

    /** The name last given to {@code address} (4 or 16 bytes; an IPv4-mapped IPv6 address is its IPv4 one). */
    public Optional<String> nameOf(byte[] address) {
        try {
            return Optional.ofNullable(byAddress.get(InetAddress.getByAddress(address)));
        } catch (UnknownHostException e) {
            return Optional.empty();   // neither 4 nor 16 bytes
        }
    }

    /** Addresses forgotten to keep the cache within its capacity, since it was made. */
    public long evicted() {
        return evicted;
    }

    /** Answers that named at least one address, since the cache was made. */
    public long answers() {
        return answers;
    }

    public int size() {
        return byAddress.size();
    }
}
