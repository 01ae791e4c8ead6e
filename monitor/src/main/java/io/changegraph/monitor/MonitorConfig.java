package io.changegraph.monitor;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where alerts go: the JSON lines alert log, the mail outbox, SMTP, an optional webhook, recipients
 * per severity, aggregation window, rate limit and retry policy. Read from the {@code alerts:} section
 * of rules.yaml ({@link RuleSet#config()}) or built in code from {@link #defaults()}.
 *
 * @param alertLog           JSON lines file every hit is appended to; null for none
 * @param outbox             directory of pending mails/webhook posts (survives restarts); null keeps them in memory
 * @param window             hits of one session and rule within this time go into one message
 * @param mailsPerMinute     rate limit of mails (warning and info; critical ones are never held back)
 * @param webhooksPerMinute  rate limit of webhook posts, counted apart from mails
 * @param retryInitial       first retry delay after a failed send; doubles per attempt, with jitter
 * @param retryMax           longest retry delay
 * @param smtp               mail server; null sends no mail
 * @param webhook            JSON POST target; null for none
 * @param severityRecipients recipients (addresses) of rules that name none, by severity name
 * @param viewerUrl          base address of {@code changegraph serve} for links in messages, or null
 * @param drain              how long closing the monitor (the end of {@code record}) waits for the outbox to empty
 */
public record MonitorConfig(Path alertLog, Path outbox, Duration window, int mailsPerMinute, int webhooksPerMinute,
                            Duration retryInitial, Duration retryMax, Smtp smtp, Webhook webhook,
                            Map<String, List<String>> severityRecipients, String viewerUrl, Duration drain) {

    /** The default of {@link #drain}: what {@code record} waits at its end for alerts to go out. */
    public static final Duration DEFAULT_DRAIN = Duration.ofSeconds(10);

    public MonitorConfig {
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(retryInitial, "retryInitial");
        Objects.requireNonNull(retryMax, "retryMax");
        drain = drain == null ? DEFAULT_DRAIN : drain;
        if (window.isNegative() || retryInitial.isNegative() || retryMax.compareTo(retryInitial) < 0
                || drain.isNegative()) {
            throw new IllegalArgumentException("window, drain and retry delays must be >= 0 and retryMax >= retryInitial");
        }
        if (mailsPerMinute < 1 || webhooksPerMinute < 1) {
            throw new IllegalArgumentException("rate limits must be at least 1 per minute: " + mailsPerMinute + ", "
                    + webhooksPerMinute);
        }
        severityRecipients = severityRecipients == null ? Map.of() : Map.copyOf(severityRecipients);
        viewerUrl = viewerUrl == null || viewerUrl.isBlank() ? null : viewerUrl.replaceAll("/+$", "");
    }

    /**
     * No log, outbox in memory, no mail, no webhook; 10 s window, 10 mails and 10 posts a minute, retry 1 s
     * to 5 min, 10 s drain.
     */
    public static MonitorConfig defaults() {
        return new MonitorConfig(null, null, Duration.ofSeconds(10), 10, 10, Duration.ofSeconds(1),
                Duration.ofMinutes(5), null, null, Map.of(), null, DEFAULT_DRAIN);
    }

    public MonitorConfig withAlertLog(Path path) {
        return new MonitorConfig(path, outbox, window, mailsPerMinute, webhooksPerMinute, retryInitial, retryMax, smtp,
                webhook, severityRecipients, viewerUrl, drain);
    }

    public MonitorConfig withOutbox(Path directory) {
        return new MonitorConfig(alertLog, directory, window, mailsPerMinute, webhooksPerMinute, retryInitial, retryMax,
                smtp, webhook, severityRecipients, viewerUrl, drain);
    }

    public MonitorConfig withSmtp(Smtp server) {
        return new MonitorConfig(alertLog, outbox, window, mailsPerMinute, webhooksPerMinute, retryInitial, retryMax,
                server, webhook, severityRecipients, viewerUrl, drain);
    }

    public MonitorConfig withWebhook(Webhook hook) {
        return new MonitorConfig(alertLog, outbox, window, mailsPerMinute, webhooksPerMinute, retryInitial, retryMax,
                smtp, hook, severityRecipients, viewerUrl, drain);
    }

    public MonitorConfig withTiming(Duration newWindow, Duration newRetryInitial, Duration newRetryMax) {
        return new MonitorConfig(alertLog, outbox, newWindow, mailsPerMinute, webhooksPerMinute, newRetryInitial,
                newRetryMax, smtp, webhook, severityRecipients, viewerUrl, drain);
    }

    public MonitorConfig withSeverityRecipients(Map<String, List<String>> recipients) {
        return new MonitorConfig(alertLog, outbox, window, mailsPerMinute, webhooksPerMinute, retryInitial, retryMax,
                smtp, webhook, recipients, viewerUrl, drain);
    }

    public MonitorConfig withRateLimits(int mails, int webhooks) {
        return new MonitorConfig(alertLog, outbox, window, mails, webhooks, retryInitial, retryMax, smtp, webhook,
                severityRecipients, viewerUrl, drain);
    }

    public MonitorConfig withViewerUrl(String url) {
        return new MonitorConfig(alertLog, outbox, window, mailsPerMinute, webhooksPerMinute, retryInitial, retryMax,
                smtp, webhook, severityRecipients, url, drain);
    }

    public MonitorConfig withDrain(Duration wait) {
        return new MonitorConfig(alertLog, outbox, window, mailsPerMinute, webhooksPerMinute, retryInitial, retryMax,
                smtp, webhook, severityRecipients, viewerUrl, wait);
    }

    /** How the SMTP connection is secured. */
    public enum Tls {
        NONE, STARTTLS, IMPLICIT
    }

    /**
     * An SMTP server. The password is taken from an environment variable when the config is read
     * ({@code password_env}) and never printed: {@link #toString()} hides it.
     *
     * @param username null for no authentication
     * @param sslTrust hosts whose certificate is trusted without a CA chain ({@code *} for all); null for none
     */
    public record Smtp(String host, int port, Tls tls, String username, String password, String from,
                       String sslTrust, Duration timeout) {
        public Smtp {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(tls, "tls");
            Objects.requireNonNull(from, "from");
            timeout = timeout == null ? Duration.ofSeconds(10) : timeout;
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("SMTP port out of range: " + port);
            }
        }

        @Override
        public String toString() {
            return "Smtp[" + host + ":" + port + " tls=" + tls + " user=" + username
                    + " password=" + (password == null ? "none" : "***") + " from=" + from + "]";
        }
    }

    /** A URL that receives each aggregated alert message as a JSON POST. */
    public record Webhook(URI url, Duration timeout) {
        public Webhook {
            Objects.requireNonNull(url, "url");
            timeout = timeout == null ? Duration.ofSeconds(10) : timeout;
        }
    }
}
