package io.changegraph.hub;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/** An agent's side of the ingest API for tests and the replay benchmark: HTTPS with a client certificate. */
final class IngestClient {
    private final HttpClient http;
    private final URI base;

    /** @param cert the client certificate (null for none) */
    IngestClient(URI base, Path cert, Path key, Path ca) {
        SSLContext context = TlsMaterial.clientContext(cert, key, ca);
        this.http = HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(5))
                .version(HttpClient.Version.HTTP_1_1).build();
        this.base = base;
    }

    record Answer(int status, JsonNode body) {
        long nextSeq() {
            return body.path("next_seq").asLong(-1);
        }
    }

    Answer post(String json) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/api/v1/ingest"))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)).build();
        return answer(http.send(request, HttpResponse.BodyHandlers.ofString()));
    }

    Answer postGzip(byte[] gzip) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/api/v1/ingest"))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").header("Content-Encoding", "gzip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(gzip)).build();
        return answer(http.send(request, HttpResponse.BodyHandlers.ofString()));
    }

    Answer position(String id) throws IOException, InterruptedException {
        return get("/api/v1/ingest/sessions/" + id, null);
    }

    /** A GET with an optional bearer token. */
    Answer get(String path, String token) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return answer(http.send(request.build(), HttpResponse.BodyHandlers.ofString()));
    }

    String getText(String path, String token) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + path + ": " + response.statusCode() + " " + response.body());
        }
        return response.body();
    }

    /** A GET answered with raw bytes, sending {@code Accept-Encoding} when given. */
    HttpResponse<byte[]> getBytes(String path, String token, String acceptEncoding) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (acceptEncoding != null) {
            request.header("Accept-Encoding", acceptEncoding);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static Answer answer(HttpResponse<String> response) {
        String body = response.body();
        JsonNode json = body == null || body.isEmpty() ? Json.MAPPER.createObjectNode() : Json.read(body);
        return new Answer(response.statusCode(), json);
    }
}
