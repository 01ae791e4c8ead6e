package io.changegraph.web;

import io.changegraph.repository.diff.DiffOptions;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * How to serve: where to listen, the access token, which graph files to serve, and optionally a pair of
 * graphs to open as a diff.
 *
 * @param bind    address to listen on; {@code 127.0.0.1} unless the viewer must be reached from elsewhere
 * @param port    TCP port, 0 for any free one
 * @param token   the access token (at least 16 characters), or null for none; required off loopback
 * @param sources graph files and directories of graph files ({@code *.json}, not recursive)
 * @param diff    two graphs to open as one union diff graph; both are served as sessions too
 * @param users   the users and their roles ({@link WebUsers#read(Path)}), or null for none; with users, each
 *                sees only the sessions their role allows, and the single {@code token} (if any) means admin
 * @param diffOptions how every diff view compares (normalisation, ignored paths and verbs, tolerance), as
 *                    {@code changegraph diff} takes them; {@link DiffOptions#defaults()} when null
 * @param netwatch    the netwatch JSON lines file of the netwatch page ({@code netwatch --json}, the agent's
 *                    {@code STORE/netwatch.jsonl}); when null, {@code netwatch.jsonl} beside a served store's
 *                    {@code graphs} directory ({@link #netwatchFile()})
 */
public record WebConfig(String bind, int port, String token, List<Path> sources, Optional<DiffPair> diff,
                        WebUsers users, DiffOptions diffOptions, Path netwatch) {
    public static final String DEFAULT_BIND = "127.0.0.1";
    public static final int DEFAULT_PORT = 7070;
    static final int MIN_TOKEN_LENGTH = 16;
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9._~+/=-]{" + MIN_TOKEN_LENGTH + ",}");

    public WebConfig {
        if (bind == null || bind.isBlank()) {
            throw new WebStartException("empty bind address: give an address such as 127.0.0.1");
        }
        if (port < 0 || port > 65535) {
            throw new WebStartException("port " + port + " is out of range: give 0-65535");
        }
        token = token == null ? null : token.strip();
        if (token != null && !TOKEN.matcher(token).matches()) {
            throw new WebStartException("unusable token: use at least " + MIN_TOKEN_LENGTH
                    + " characters of A-Z a-z 0-9 . _ ~ + / = - (e.g. openssl rand -hex 24)");
        }
        sources = List.copyOf(sources);
        diff = Objects.requireNonNullElse(diff, Optional.empty());
        diffOptions = Objects.requireNonNullElse(diffOptions, DiffOptions.defaults());
    }

    /** Without a netwatch file of its own. */
    public WebConfig(String bind, int port, String token, List<Path> sources, Optional<DiffPair> diff, WebUsers users,
                     DiffOptions diffOptions) {
        this(bind, port, token, sources, diff, users, diffOptions, null);
    }

    /** The same configuration with the netwatch page reading {@code file}. */
    public WebConfig withNetwatch(Path file) {
        return new WebConfig(bind, port, token, sources, diff, users, diffOptions, file);
    }

    /**
     * The netwatch file the netwatch page reads: {@code netwatch} when given, else {@code netwatch.jsonl} beside the
     * first served directory named {@code graphs} (the agent's store), else none.
     */
    Optional<Path> netwatchFile() {
        if (netwatch != null) {
            return Optional.of(netwatch);
        }
        return sources.stream().filter(java.nio.file.Files::isDirectory)
                .map(source -> source.toAbsolutePath().normalize())
                .filter(dir -> dir.getFileName() != null && dir.getFileName().toString().equals("graphs")
                        && dir.getParent() != null)
                .map(dir -> dir.getParent().resolve("netwatch.jsonl"))
                .findFirst();
    }

    /** With users, diffs compared with the default options. */
    public WebConfig(String bind, int port, String token, List<Path> sources, Optional<DiffPair> diff, WebUsers users) {
        this(bind, port, token, sources, diff, users, null);
    }

    /** The same configuration with the diff views compared by {@code options}. */
    public WebConfig withDiffOptions(DiffOptions options) {
        return new WebConfig(bind, port, token, sources, diff, users, options, netwatch);
    }

    /** Without users: the token (or none) grants everything. */
    public WebConfig(String bind, int port, String token, List<Path> sources, Optional<DiffPair> diff) {
        this(bind, port, token, sources, diff, null, null);
    }

    /** True when requests must authenticate: a token or a users file is configured. */
    boolean authenticated() {
        return token != null || users != null;
    }

    /** Serves {@code sources} on loopback, any free port, without a token (tests and local use). */
    public static WebConfig loopback(List<Path> sources) {
        return new WebConfig(DEFAULT_BIND, 0, null, sources, Optional.empty());
    }

    /** Every file to load: the sources plus both sides of the diff. */
    List<Path> allSources() {
        return diff.map(pair -> Stream.concat(sources.stream(), Stream.of(pair.canary(), pair.production()))
                .distinct().toList()).orElse(sources);
    }

    /** True when {@code bind} names only this machine (127.0.0.0/8, ::1, localhost). */
    boolean loopbackOnly() {
        try {
            return InetAddress.getByName(bind).isLoopbackAddress();
        } catch (UnknownHostException e) {
            throw new WebStartException("cannot resolve bind address '" + bind + "': give an IP address");
        }
    }

    /** The two graphs a diff compares: the canary run and the production run. */
    public record DiffPair(Path canary, Path production) {
        public DiffPair {
            Objects.requireNonNull(canary, "canary");
            Objects.requireNonNull(production, "production");
        }
    }
}
