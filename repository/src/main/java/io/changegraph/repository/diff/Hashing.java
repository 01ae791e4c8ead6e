package io.changegraph.repository.diff;

import io.changegraph.repository.model.Verb;

/** 64-bit string hashing for behaviour signatures: FNV-1a, finished with the SplitMix64 mixer. */
final class Hashing {
    private static final long[] VERBS = new long[Verb.values().length];

    static {
        for (Verb verb : Verb.values()) {
            VERBS[verb.ordinal()] = of(verb.wireName());
        }
    }

    private Hashing() {
    }

    static long of(Verb verb) {
        return VERBS[verb.ordinal()];
    }

    static long of(String text) {
        long hash = 0xcbf29ce484222325L;
        for (int i = 0; i < text.length(); i++) {
            hash ^= text.charAt(i);
            hash *= 0x100000001b3L;
        }
        return mix(hash);
    }

    static long mix(long value) {
        long z = value + 0x9e3779b97f4a7c15L;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
