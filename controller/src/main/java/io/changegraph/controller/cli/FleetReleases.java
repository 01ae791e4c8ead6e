package io.changegraph.controller.cli;

import io.changegraph.repository.io.JsonMappers;
import io.changegraph.controller.ExitCodes;
import io.changegraph.controller.UsageException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.changegraph.control.Channel;
import io.changegraph.control.Fleet;
import io.changegraph.control.FleetException;
import io.changegraph.control.HistoryEntry;
import io.changegraph.control.Release;
import io.changegraph.control.Target;
import io.changegraph.repository.io.TerminalText;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** What {@code fleet rules} and {@code fleet config} share: push, promote, history, rollback of one channel. */
final class FleetReleases {
    private FleetReleases() {
    }

    /** The file's text (UTF-8, at most {@link Release#MAX_BYTES}); one-line usage errors. */
    static String read(Path file) {
        try {
            if (Files.size(file) > Release.MAX_BYTES) {
                throw new UsageException(file + " is larger than " + Release.MAX_BYTES + " bytes: etcd will not hold it");
            }
            return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (NoSuchFileException e) {
            throw new UsageException(file + " does not exist");
        } catch (CharacterCodingException e) {
            throw new UsageException(file + " is not UTF-8 text");
        } catch (IOException e) {
            throw new UsageException("cannot read " + file + ": " + e.getMessage());
        }
    }

    static Target target(String hosts, String group) {
        try {
            return new Target(group, hosts);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** Writes validated text; says where it went and how to follow it. */
    static int push(Channel c, String content, Target target, FleetOptions etcd, PrintWriter out) {
        try (Fleet fleet = etcd.connect()) {
            Release r = fleet.push(c, content, target, FleetOptions.who());
            out.println("pushed " + c.word() + " " + r.digest() + " as etcd revision " + r.revision() + " to the "
                    + TerminalText.line(r.target().toString()) + (target.isFleet() ? ""
                    : " (staged: 'changegraph fleet " + c.word() + " promote' makes it the fleet's)")
                    + "; agents reload within 2 s: see 'changegraph fleet hosts'");
            out.flush();
            return ExitCodes.OK;
        } catch (FleetException e) {
            throw new UsageException(e.getMessage() + "; nothing was pushed");
        }
    }

    static int promote(Channel c, FleetOptions etcd, PrintWriter out) {
        try (Fleet fleet = etcd.connect()) {
            Release r = fleet.promote(c, FleetOptions.who());
            out.println("promoted " + c.word() + " " + r.digest() + " to the whole fleet as etcd revision " + r.revision());
            out.flush();
            return ExitCodes.OK;
        } catch (FleetException e) {
            throw new UsageException(e.getMessage());
        }
    }

    static int rollback(Channel c, long revision, FleetOptions etcd, PrintWriter out) {
        if (revision < 1) {
            throw new UsageException("REV must be a revision from 'changegraph fleet " + c.word() + " history'");
        }
        try (Fleet fleet = etcd.connect()) {
            Release r = fleet.rollback(c, revision, FleetOptions.who());
            out.println("rolled the fleet's " + c.word() + " back to revision " + revision + " (" + r.digest()
                    + ") as etcd revision " + r.revision());
            out.flush();
            return ExitCodes.OK;
        } catch (FleetException e) {
            throw new UsageException(e.getMessage());
        }
    }

    static int history(Channel c, boolean json, FleetOptions etcd, PrintWriter out) {
        List<HistoryEntry> list;
        try (Fleet fleet = etcd.connect()) {
            list = fleet.history(c);
        } catch (FleetException e) {
            throw new UsageException(e.getMessage());
        }
        if (json) {
            ArrayNode a = JsonMappers.SORTED.createArrayNode();
            for (HistoryEntry h : list) {
                a.addObject().put("revision", h.revision()).put("time", h.time().toString()).put("who", h.who())
                        .put("action", h.action()).put("target", h.target().toString()).put("digest", h.digest());
            }
            out.println(a.toPrettyString());
        } else {
            out.printf(Locale.ROOT, "%-9s %-24s %-24s %-19s %-22s %s%n", "REVISION", "TIME", "WHO", "DIGEST", "TARGET",
                    "ACTION");
            for (HistoryEntry h : list) {
                out.printf(Locale.ROOT, "%-9d %-24s %-24s %-19s %-22s %s%n", h.revision(), h.time().truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
                        TerminalText.line(h.who()), h.digest(), TerminalText.line(h.target().toString()),
                        TerminalText.line(h.action()));
            }
            if (list.isEmpty()) {
                out.println("(nothing pushed yet)");
            }
        }
        out.flush();
        return ExitCodes.OK;
    }
}
