package io.changegraph.web;

import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import io.javalin.http.sse.SseHandler;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Server-sent events per session: {@code hello} on connect ({@code {"version": n, "live": bool}}), then one
 * {@code delta} per new version of the graph file (see {@link GraphDelta}); a comment every 15 s keeps
 * proxies from closing the stream and finds clients that went away.
 */
final class LiveStream implements AutoCloseable {
    private static final long PING_SECONDS = 15;

    private final Map<String, Set<SseClient>> clients = new ConcurrentHashMap<>();
    private final ScheduledExecutorService pinger = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "changegraph-web-sse-ping");
        thread.setDaemon(true);
        return thread;
    });

    LiveStream(SessionCatalog index) {
        index.addListener(this::changed);
        pinger.scheduleAtFixedRate(this::ping, PING_SECONDS, PING_SECONDS, TimeUnit.SECONDS);
    }

    /** Answers {@code ctx} with an event stream of {@code session}'s changes (the session was found already). */
    void subscribe(Context ctx, LoadedSession session) throws Exception {
        new SseHandler(client -> {
            Set<SseClient> subscribers = clients.computeIfAbsent(session.id(), id -> ConcurrentHashMap.newKeySet());
            subscribers.add(client);
            client.onClose(() -> subscribers.remove(client));
            client.keepAlive();
            client.sendEvent("hello", Json.write(Map.of("version", session.version(), "live", session.live())));
        }).handle(ctx);
    }

    private void changed(LoadedSession previous, LoadedSession current) {
        Set<SseClient> subscribers = clients.get(current.id());
        if (previous == null || subscribers == null || subscribers.isEmpty()) {
            return;
        }
        String delta = GraphDelta.between(previous, current);
        for (SseClient client : subscribers) {
            send(subscribers, client, "delta", delta);
        }
    }

    private void ping() {
        clients.values().forEach(subscribers -> subscribers.forEach(client -> {
            if (client.terminated()) {
                subscribers.remove(client);
            } else {
                client.sendComment("ping");
            }
        }));
    }

    private static void send(Set<SseClient> subscribers, SseClient client, String event, String data) {
        if (client.terminated()) {
            subscribers.remove(client);
        } else {
            client.sendEvent(event, data);
        }
    }

    @Override
    public void close() {
        pinger.shutdownNow();
        clients.values().forEach(subscribers -> subscribers.forEach(SseClient::close));
        clients.clear();
    }
}
