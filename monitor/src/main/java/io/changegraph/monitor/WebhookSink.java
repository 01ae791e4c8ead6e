package io.changegraph.monitor;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Posts webhook messages (their body is JSON) to the configured URL; any 2xx status is success. */
final class WebhookSink implements Sink {
    private final MonitorConfig.Webhook webhook;
    private final HttpClient client;

    WebhookSink(MonitorConfig.Webhook webhook) {
        this.webhook = webhook;
        this.client = HttpClient.newBuilder().connectTimeout(webhook.timeout()).build();
    }

    @Override
    public void close() {
        client.close();
    }

    @Override
    public void send(Message message) throws SendFailure {
        HttpRequest request = HttpRequest.newBuilder(webhook.url())
                .timeout(webhook.timeout())
                .header("Content-Type", "application/json")
                .header("X-Changegraph-Alert", message.id())
                .POST(HttpRequest.BodyPublishers.ofString(message.body()))
                .build();
        try {
            HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() / 100 != 2) {
                throw new SendFailure("webhook " + webhook.url() + " answered HTTP " + response.statusCode(),
                        response.statusCode() / 100 == 4);
            }
        } catch (IOException e) {
            throw new SendFailure("cannot post to webhook " + webhook.url() + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + YamlTree.firstLine(e.getMessage())), false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SendFailure("webhook post interrupted", false);
        }
    }
}
