package io.changegraph.monitor;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** {@link Monitor#flush}: one delivery attempt per waiting message, now. */
final class OutboxFlush {
    private OutboxFlush() {
    }

    static Monitor.FlushReport flush(MonitorConfig config) throws IOException {
        if (config.outbox() == null) {
            throw new IOException("the rules file sets no alerts.outbox: there is no queue to send");
        }
        Outbox outbox = Outbox.open(config.outbox());
        int sent = 0;
        List<String> failures = new ArrayList<>();
        try (Sink mail = config.smtp() == null ? null : new MailSink(config.smtp());
             Sink webhook = config.webhook() == null ? null : new WebhookSink(config.webhook())) {
            for (Outbox.Pending pending : outbox.all()) {
                Sink sink = Message.MAIL.equals(pending.message.sink()) ? mail : webhook;
                if (sink == null) {
                    failures.add(pending.message.id() + " (" + pending.message.sink() + "): alerts."
                            + (Message.MAIL.equals(pending.message.sink()) ? "smtp" : "webhook")
                            + " is not configured in the rules file; configure it, or delete "
                            + config.outbox().resolve(pending.message.id() + ".json"));
                    continue;
                }
                try {
                    sink.send(pending.message);
                    outbox.delivered(pending);
                    sent++;
                } catch (Sink.SendFailure failure) {
                    failures.add(pending.message.id() + " (" + pending.message.sink() + "): " + failure.getMessage());
                }
            }
        }
        return new Monitor.FlushReport(sent, outbox.size(), failures);
    }
}
