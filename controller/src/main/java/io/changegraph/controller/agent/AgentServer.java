package io.changegraph.controller.agent;

import io.changegraph.controller.config.AgentLimits;
import io.changegraph.controller.os.LibC;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;

/**
 * The agent's Unix socket: directory 0755, socket 0666 (anyone may connect; who may do what is decided
 * per request from the kernel's SO_PEERCRED answer). One accept thread; each connection is served on its
 * own short-lived thread with a 5 s time-out, at most {@link AgentLimits#MAX_CONNECTIONS} at once and at most
 * {@link AgentLimits#connectionsPerUser()} of one unprivileged uid (asked of the kernel on accept, before any
 * thread is started), so a client that connects and never writes, or floods, holds up no other user.
 */
public final class AgentServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AgentServer.class);
    private static final long TIMEOUT_MS = 5000;

    private final Path path;
    private final AgentProtocol protocol;
    private final int listenFd;
    private final Thread acceptor;
    private final Semaphore slots = new Semaphore(AgentLimits.MAX_CONNECTIONS);
    private final int perUser;
    private final Map<Integer, Integer> openByUid = new HashMap<>();
    private volatile boolean closed;

    private AgentServer(Path path, AgentProtocol protocol, int listenFd, int perUser) {
        this.path = path;
        this.perUser = perUser;
        this.protocol = protocol;
        this.listenFd = listenFd;
        this.acceptor = Thread.ofPlatform().name("changegraph-accept").daemon(true).unstarted(this::acceptLoop);
    }

    public static AgentServer start(Path path, AgentProtocol protocol, AgentLimits limits) throws IOException {
        Path dir = path.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        // a socket file left by a killed agent: nobody listens on it any more
        Files.deleteIfExists(path);
        int fd = LibC.listenUnix(path.toString(), 128);
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-rw-rw-"));
        AgentServer server = new AgentServer(path, protocol, fd, limits.connectionsPerUser());
        server.acceptor.start();
        LOG.info("listening on {}", path);
        return server;
    }

    private void acceptLoop() {
        while (!closed) {
            int fd;
            try {
                fd = LibC.accept(listenFd);
            } catch (IOException e) {
                if (!closed) {
                    LOG.error("accept on {} failed: {}", path, e.getMessage());
                    sleepQuietly();
                }
                continue;
            }
            LibC.PeerCredentials peer;
            try {
                peer = LibC.peerCredentials(fd);
                LibC.setTimeouts(fd, TIMEOUT_MS);
            } catch (IOException e) {
                LOG.warn("connection dropped: {}", e.getMessage());
                LibC.close(fd);
                continue;
            }
            if (!openFor(peer.uid())) {
                LOG.warn("uid {} already has {} connections open: one refused", peer.uid(), perUser);
                refuse(fd, "uid " + peer.uid() + " already has " + perUser + " connections to the agent open"
                        + " (max_connections_per_user): close some and try again");
                continue;
            }
            if (!slots.tryAcquire()) {
                closedFor(peer.uid());
                LOG.warn("too many connections at once ({}): one refused", AgentLimits.MAX_CONNECTIONS);
                refuse(fd, "the agent is busy: try again");
                continue;
            }
            Thread.ofPlatform().name("changegraph-conn").daemon(true).start(() -> {
                try {
                    serve(fd, peer);
                } finally {
                    LibC.close(fd);
                    slots.release();
                    closedFor(peer.uid());
                }
            });
        }
    }

    /** Counts a connection of {@code uid}; false when an unprivileged uid has its limit open already. */
    private boolean openFor(int uid) {
        synchronized (openByUid) {
            int open = openByUid.getOrDefault(uid, 0);
            if (uid != 0 && open >= perUser) {
                return false;
            }
            openByUid.put(uid, open + 1);
            return true;
        }
    }

    private void closedFor(int uid) {
        synchronized (openByUid) {
            openByUid.computeIfPresent(uid, (u, open) -> open <= 1 ? null : open - 1);
        }
    }

    /** One answer without reading the request, on the accept thread: the answer fits the empty send buffer. */
    private static void refuse(int fd, String message) {
        reply(fd, AgentProtocol.error(message));
        LibC.close(fd);
    }

    private void serve(int fd, LibC.PeerCredentials peer) {
        String line;
        try {
            line = readLine(fd);
        } catch (IOException e) {
            LOG.warn("request from pid {} uid {} not read: {}", peer.pid(), peer.uid(), e.getMessage());
            reply(fd, AgentProtocol.error(e.getMessage()));
            return;
        }
        reply(fd, protocol.handle(peer, line));
    }

    /** One line of at most {@link AgentProtocol#MAX_LINE} bytes (the newline may be missing at the end). */
    private static String readLine(int fd) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        while (true) {
            int n;
            try {
                n = LibC.read(fd, buffer);
            } catch (LibC.NativeException e) {
                throw new IOException(e.errno == LibC.EAGAIN ? "malformed request: no complete line within "
                        + TIMEOUT_MS / 1000 + " s" : "malformed request: " + e.getMessage());
            }
            for (int i = 0; i < n; i++) {
                if (buffer[i] == '\n') {
                    line.write(buffer, 0, i);
                    return line.toString(StandardCharsets.UTF_8);
                }
            }
            line.write(buffer, 0, n);
            if (line.size() > AgentProtocol.MAX_LINE) {
                drain(fd, buffer);
                throw new IOException("malformed request: longer than " + AgentProtocol.MAX_LINE + " bytes");
            }
            if (n == 0) {
                if (line.size() == 0) {
                    throw new IOException("malformed request: empty");
                }
                return line.toString(StandardCharsets.UTF_8);
            }
        }
    }

    /** Reads what the client still sends (up to 16 MiB), so the answer reaches it instead of a reset. */
    private static void drain(int fd, byte[] buffer) {
        try {
            long total = 0;
            for (int n = LibC.read(fd, buffer); n > 0 && total < (16 << 20); n = LibC.read(fd, buffer)) {
                total += n;
            }
        } catch (IOException e) {
            // time-out or reset: the answer may not arrive, the log line says what happened
        }
    }

    private static void reply(int fd, String response) {
        try {
            LibC.writeFully(fd, (response + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            LOG.debug("reply not delivered: {}", e.getMessage());
        }
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        LibC.shutdown(listenFd);
        LibC.close(listenFd);
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.debug("socket file not removed: {}", e.getMessage());
        }
    }
}
