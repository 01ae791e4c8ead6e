package io.changegraph.monitor;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/** An IPv4 or IPv6 network, {@code 10.0.0.0/8} or {@code ::1/128}; a bare address is a /32 or /128. */
record Cidr(byte[] network, int prefix) {

    /** Parses a CIDR; throws IllegalArgumentException saying what is wrong. Never resolves host names. */
    static Cidr parse(String text) {
        int slash = text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        byte[] bytes = literal(address);
        int prefix = bytes.length * 8;
        if (slash >= 0) {
            String bits = text.substring(slash + 1);
            if (!bits.matches("\\d{1,3}")) {
                throw new IllegalArgumentException("prefix length '" + bits + "' is not a number");
            }
            prefix = Integer.parseInt(bits);
            if (prefix > bytes.length * 8) {
                throw new IllegalArgumentException("prefix /" + prefix + " is longer than " + bytes.length * 8
                        + " bits");
            }
        }
        return new Cidr(mask(bytes, prefix), prefix);
    }

    /** The bytes of an address literal, or null when {@code address} is not an IP literal. */
    static byte[] literalOrNull(String address) {
        try {
            return literal(address);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    boolean contains(byte[] address) {
        if (address == null || address.length != network.length) {
            return false;
        }
        return Arrays.equals(mask(address, prefix), network);
    }

    private static byte[] literal(String address) {
        boolean ipv4 = address.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        boolean ipv6 = address.contains(":") && address.matches("[0-9A-Fa-f:.]+");
        if (!ipv4 && !ipv6) {
            throw new IllegalArgumentException("'" + address + "' is not an IPv4 or IPv6 address");
        }
        if (ipv4) {
            for (String part : address.split("\\.")) {
                if (Integer.parseInt(part) > 255) {
                    throw new IllegalArgumentException("'" + address + "' has an octet above 255");
                }
            }
        }
        try {
            return InetAddress.getByName(address).getAddress(); // a literal: no name lookup happens
        } catch (UnknownHostException | RuntimeException e) {
            throw new IllegalArgumentException("'" + address + "' is not a valid address");
        }
    }

    private static byte[] mask(byte[] address, int prefix) {
        byte[] out = address.clone();
        for (int i = 0; i < out.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            out[i] = (byte) (out[i] & (0xFF << (8 - keep)));
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.prefix == prefix && Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(network) * 31 + prefix;
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + prefix;
        } catch (UnknownHostException e) {
            return "?/" + prefix;
        }
    }
}
