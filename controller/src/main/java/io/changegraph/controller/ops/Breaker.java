package io.changegraph.controller.ops;

import io.changegraph.controller.config.ProtectionSettings;

import java.util.Locale;

/**
 * The self-protection state machine, fed one {@link SelfSample} per interval (no clock, no I/O: the
 * decisions follow from the samples alone). A sample is <em>over</em> when any figure reaches its limit and
 * <em>calm</em> when every figure is under {@link ProtectionSettings#calmFraction()} of its limit; anything else
 * is neither and breaks both runs. {@code tripSamples} over samples in a row raise the level one step (at most
 * {@link #MAX_LEVEL}), {@code calmSamples} calm samples in a row lower it one step; each step starts a new run.
 */
final class Breaker {
    static final int MAX_LEVEL = 3;

    /** A level change and why. */
    record Transition(int from, int to, String reason) {
        boolean raised() {
            return to > from;
        }
    }

    private final ProtectionSettings settings;
    private volatile int level;
    private int overRun;
    private int calmRun;

    Breaker(ProtectionSettings settings) {
        this.settings = settings;
    }

    int level() {
        return level;
    }

    /** Takes one sample; the level change it causes, or null. */
    Transition offer(SelfSample sample) {
        if (!settings.enabled()) {
            return null;
        }
        String over = over(sample);
        if (over != null) {
            calmRun = 0;
            if (++overRun >= settings.tripSamples() && level < MAX_LEVEL) {
                overRun = 0;
                level++;
                return new Transition(level - 1, level, over + " for " + settings.tripSamples() + " samples");
            }
            return null;
        }
        overRun = 0;
        if (!calm(sample)) {
            calmRun = 0;
            return null;
        }
        if (++calmRun >= settings.calmSamples() && level > 0) {
            calmRun = 0;
            level--;
            return new Transition(level + 1, level, "calm for " + settings.calmSamples() + " samples");
        }
        return null;
    }

    /** Which limit the sample reaches (the first of cpu, rss, heap), or null. */
    private String over(SelfSample s) {
        if (s.cpuPercent() >= settings.cpuPercent()) {
            return String.format(Locale.ROOT, "cpu %.1f%% >= %.1f%%", s.cpuPercent(), settings.cpuPercent());
        }
        if (s.rssBytes() >= settings.rssBytes()) {
            return String.format(Locale.ROOT, "rss %d MiB >= %d MiB", s.rssBytes() >> 20, settings.rssBytes() >> 20);
        }
        if (s.heapPercent() >= settings.heapPercent()) {
            return String.format(Locale.ROOT, "heap %.0f%% >= %.0f%%", s.heapPercent(), settings.heapPercent());
        }
        return null;
    }

    private boolean calm(SelfSample s) {
        double f = settings.calmFraction();
        return s.cpuPercent() < settings.cpuPercent() * f && s.rssBytes() < settings.rssBytes() * f
                && s.heapPercent() < settings.heapPercent() * f;
    }
}
