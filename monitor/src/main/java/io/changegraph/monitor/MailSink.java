package io.changegraph.monitor;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message.RecipientType;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import java.util.Date;
import java.util.Properties;

/** Sends mail messages over SMTP with Jakarta Mail (Angus): plain, STARTTLS or implicit TLS, optional auth. */
final class MailSink implements Sink {
    private final MonitorConfig.Smtp smtp;
    private final Session session;
    private final String protocol;

    MailSink(MonitorConfig.Smtp smtp) {
        this.smtp = smtp;
        this.protocol = smtp.tls() == MonitorConfig.Tls.IMPLICIT ? "smtps" : "smtp";
        Properties p = new Properties();
        String prefix = "mail." + protocol + ".";
        String timeout = Long.toString(smtp.timeout().toMillis());
        p.put("mail.transport.protocol", protocol);
        p.put(prefix + "host", smtp.host());
        p.put(prefix + "port", Integer.toString(smtp.port()));
        p.put(prefix + "connectiontimeout", timeout);
        p.put(prefix + "timeout", timeout);
        p.put(prefix + "writetimeout", timeout);
        p.put(prefix + "auth", Boolean.toString(smtp.username() != null));
        if (smtp.tls() == MonitorConfig.Tls.STARTTLS) {
            p.put(prefix + "starttls.enable", "true");
            p.put(prefix + "starttls.required", "true");
        }
        // trusting a certificate without a CA also gives up the host name check
        p.put(prefix + "ssl.checkserveridentity", Boolean.toString(smtp.sslTrust() == null));
        if (smtp.sslTrust() != null) {
            p.put(prefix + "ssl.trust", smtp.sslTrust());
        }
        this.session = Session.getInstance(p);
    }

    @Override
    public void send(Message message) throws SendFailure {
        try {
            MimeMessage mail = new MimeMessage(session);
            mail.setFrom(new InternetAddress(smtp.from()));
            mail.setRecipients(RecipientType.TO, InternetAddress.parse(String.join(",", message.to())));
            mail.setSubject(message.subject(), "UTF-8");
            mail.setText(message.body(), "UTF-8");
            mail.setSentDate(Date.from(message.created()));
            mail.setHeader("X-Changegraph-Alert", message.id());
            try (Transport transport = session.getTransport(protocol)) {
                transport.connect(smtp.host(), smtp.port(), smtp.username(), smtp.password());
                transport.sendMessage(mail, mail.getAllRecipients());
            }
        } catch (AuthenticationFailedException e) {
            throw new SendFailure("SMTP authentication failed for user '" + smtp.username() + "' at " + where()
                    + " (" + YamlTree.firstLine(e.getMessage()) + "); check alerts.smtp.username and the password"
                    + " variable named by alerts.smtp.password_env", true);
        } catch (SendFailedException e) {
            throw new SendFailure("SMTP server " + where() + " refused the recipients " + message.to() + " ("
                    + YamlTree.firstLine(e.getMessage()) + ")", true);
        } catch (MessagingException e) {
            throw new SendFailure("cannot send mail via " + where() + ": " + reason(e), false);
        }
    }

    private String where() {
        return smtp.host() + ":" + smtp.port();
    }

    private static String reason(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = YamlTree.firstLine(root.getMessage());
        return root.getClass().getSimpleName() + (text.isEmpty() ? "" : ": " + text);
    }
}
