package io.changegraph.controller.agent;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** One request to the agent over its Unix socket: a JSON line out, a JSON line back, within a time-out. */
public final class AgentClient {
    private final Path socket;
    private final Duration timeout;

    public AgentClient(Path socket, Duration timeout) {
        this.socket = socket;
        this.timeout = timeout;
    }

    /** The agent cannot be reached, or did not answer: the message says which and what to do. */
    public static final class Unreachable extends IOException {
        Unreachable(String message) {
            super(message);
        }
    }

    /** Sends one request; returns the answer, whose "ok" says whether the agent did it. */
    public JsonNode call(Map<String, Object> request) throws Unreachable {
        String line = AgentProtocol.write(request) + "\n";
        CompletableFuture<String> answer = CompletableFuture.supplyAsync(() -> exchange(line),
                r -> Thread.ofPlatform().daemon(true).start(r));
        try {
            String text = answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return AgentProtocol.JSON.readTree(text);
        } catch (TimeoutException e) {
            answer.cancel(true);
            throw new Unreachable("the agent at " + socket + " did not answer within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            throw new Unreachable(e.getCause() instanceof java.io.UncheckedIOException u ? u.getCause().getMessage()
                    : String.valueOf(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unreachable("interrupted");
        } catch (IOException e) {
            throw new Unreachable("the agent's answer is not JSON: " + e.getMessage());
        }
    }

    private String exchange(String line) {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            try {
                channel.connect(UnixDomainSocketAddress.of(socket));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(new IOException("cannot connect to the agent at " + socket
                        + " (" + e.getMessage() + "): is it running? (systemctl status changegraph-agent)"));
            }
            ByteBuffer out = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
            while (out.hasRemaining()) {
                channel.write(out);
            }
            ByteArrayOutputStream in = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
            while (channel.read(buffer) >= 0) {
                in.write(buffer.array(), 0, buffer.position());
                buffer.clear();
            }
            String text = in.toString(StandardCharsets.UTF_8);
            if (text.isBlank()) {
                throw new IOException("the agent at " + socket + " closed the connection without an answer");
            }
            return text;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
