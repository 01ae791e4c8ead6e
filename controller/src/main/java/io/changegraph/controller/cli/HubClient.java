package io.changegraph.controller.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.changegraph.controller.UsageException;
import io.changegraph.repository.io.JsonMappers;
import io.changegraph.repository.io.TerminalText;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Map;
import java.util.StringJoiner;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/**
 * The hub's query API as {@code changegraph fleet} calls it: HTTPS GET with {@code Authorization: Bearer}, the
 * hub's certificate checked against the fleet CA given (or the JVM's trust store without one). Every failure is a
 * {@link UsageException} with one line: the hub unreachable, the certificate not trusted, the token refused, or the
 * hub's own {@code error} message.
 */
final class HubClient {
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int MAX_BODY = 64 * 1024 * 1024;

    private final URI hub;
    private final String token;
    private final HttpClient http;

    HubClient(URI hub, Path ca, String token) {
        if (hub.getScheme() == null || !(hub.getScheme().equals("https") || hub.getScheme().equals("http"))
                || hub.getHost() == null) {
            throw new UsageException("the hub URL '" + TerminalText.line(hub.toString())
                    + "' is not https://HOST:PORT (give --hub or set CHANGEGRAPH_HUB)");
        }
        this.hub = hub;
        this.token = token;
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
        if (ca != null) {
            builder.sslContext(trusting(ca));
        }
        this.http = builder.build();
    }

    /** GET {@code path} with the query parameters whose value is not null; the answer's JSON. */
    JsonNode get(String path, Map<String, String> query) {
        StringJoiner params = new StringJoiner("&", "?", "").setEmptyValue("");
        query.forEach((name, value) -> {
            if (value != null) {
                params.add(name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
            }
        });
        URI uri = hub.resolve(path + params);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).header("Accept", "application/json").GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<InputStream> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpConnectTimeoutException | ConnectException e) {
            throw new UsageException("cannot reach the hub at " + hub + ": " + reason(e) + " (is it running? check --hub)");
        } catch (HttpTimeoutException e) {
            throw new UsageException("the hub at " + hub + " did not answer within " + TIMEOUT.toSeconds() + " s");
        } catch (SSLException e) {
            throw new UsageException("TLS with the hub at " + hub + " failed: " + reason(e)
                    + " (give the fleet CA with --ca FILE or CHANGEGRAPH_HUB_CA)");
        } catch (IOException e) {
            throw new UsageException("cannot talk to the hub at " + hub + ": " + reason(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UsageException("interrupted while waiting for the hub");
        }
        JsonNode body;
        try (InputStream in = response.body()) {
            byte[] bytes = in.readNBytes(MAX_BODY + 1);
            if (bytes.length > MAX_BODY) {
                throw new UsageException("the hub's answer is larger than " + MAX_BODY / (1024 * 1024) + " MiB: narrow the query");
            }
            body = bytes.length == 0 ? null : JsonMappers.SORTED.readTree(bytes);
        } catch (IOException e) {
            throw new UsageException("the hub at " + hub + " answered " + response.statusCode() + " with no JSON: " + reason(e));
        }
        int status = response.statusCode();
        if (status / 100 != 2) {
            String message = body != null && body.hasNonNull("error") ? body.get("error").asText() : "HTTP " + status;
            String hint = status == 401 || status == 403 ? " (check the token: --token-env VAR, --token-file FILE or CHANGEGRAPH_HUB_TOKEN)" : "";
            throw new UsageException("the hub refused: " + TerminalText.line(message) + hint);
        }
        if (body == null) {
            throw new UsageException("the hub at " + hub + " answered with an empty body");
        }
        return body;
    }

    private static SSLContext trusting(Path ca) {
        try (InputStream in = Files.newInputStream(ca)) {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int n = 0;
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("ca-" + n++, certificate);
            }
            if (n == 0) {
                throw new UsageException("no certificate in the CA file " + ca + " (give the fleet's ca.crt, PEM)");
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new UsageException("cannot read the CA file " + ca + ": " + reason(e));
        } catch (GeneralSecurityException e) {
            throw new UsageException("the CA file " + ca + " is not a PEM certificate: " + reason(e));
        }
    }

    private static String reason(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getMessage() == null) {
            cause = cause.getCause();
        }
        return TerminalText.line(cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage());
    }
}
