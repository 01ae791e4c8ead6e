package io.changegraph.forward;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Mutual TLS from PEM files with the JDK alone: this host's certificate chain and private key (PKCS#8
 * {@code PRIVATE KEY}, or PKCS#1 {@code RSA PRIVATE KEY}, which is wrapped into PKCS#8), and the CA the hub's
 * certificate must chain to. Every problem is one line naming the file and what to do.
 *
 * @param identity the CN of this host's certificate: the host name the hub knows it by
 */
record PemTls(SSLContext context, String identity, X509Certificate certificate) {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]+?)\\s*-----END \\1-----");
    private static final List<String> KEY_ALGORITHMS = List.of("EC", "RSA", "Ed25519", "Ed448", "RSASSA-PSS");

    static PemTls load(HubSettings settings) {
        List<X509Certificate> chain = certificates(settings.cert(), "cert");
        List<X509Certificate> cas = certificates(settings.ca(), "ca");
        PrivateKey key = privateKey(settings.key());
        try {
            char[] password = new char[0];
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("host", key, password, chain.toArray(Certificate[]::new));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, password);
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            for (int i = 0; i < cas.size(); i++) {
                trust.setCertificateEntry("ca" + i, cas.get(i));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return new PemTls(context, commonName(chain.getFirst(), settings.cert()), chain.getFirst());
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("hub: key " + settings.key() + " does not go with cert "
                    + settings.cert() + ": " + e.getMessage());
        }
    }

    private static List<X509Certificate> certificates(Path file, String key) {
        String text = read(file, key);
        try {
            List<X509Certificate> certs = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)))
                    .stream().map(X509Certificate.class::cast).toList();
            if (certs.isEmpty()) {
                throw new IllegalArgumentException("hub: " + key + " " + file + " has no PEM certificate");
            }
            return certs;
        } catch (java.security.cert.CertificateException e) {
            throw new IllegalArgumentException("hub: " + key + " " + file + " is not a PEM certificate ("
                    + e.getMessage() + ")");
        }
    }

    private static PrivateKey privateKey(Path file) {
        String text = read(file, "key");
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            String type = m.group(1);
            byte[] der;
            try {
                der = Base64.getMimeDecoder().decode(m.group(2));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("hub: key " + file + ": bad base64 in its " + type + " block");
            }
            switch (type) {
                case "PRIVATE KEY" -> {
                    return pkcs8(der, file);
                }
                case "RSA PRIVATE KEY" -> {
                    return pkcs8(Der.rsaPkcs1ToPkcs8(der), file);
                }
                case "EC PRIVATE KEY" -> {
                    return pkcs8(Der.ecSec1ToPkcs8(der, file), file);
                }
                case "ENCRYPTED PRIVATE KEY" -> throw new IllegalArgumentException("hub: key " + file
                        + " is encrypted: the agent needs it unencrypted (openssl pkcs8 -topk8 -nocrypt), mode 0600");
                default -> {
                    // e.g. EC PARAMETERS before the key: skip
                }
            }
        }
        throw new IllegalArgumentException("hub: key " + file + " has no PEM private key (-----BEGIN PRIVATE KEY-----)");
    }

    private static PrivateKey pkcs8(byte[] der, Path file) {
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // the next algorithm
            }
        }
        throw new IllegalArgumentException("hub: key " + file + " is not an EC, RSA or EdDSA private key the JDK reads"
                + " (convert it with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8)");
    }

    private static String read(Path file, String key) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException("hub: " + key + " " + file + " does not exist (make the fleet's"
                    + " certificates with scripts/fleet-certs.sh)");
        } catch (java.nio.file.AccessDeniedException e) {
            throw new IllegalArgumentException("hub: " + key + " " + file + " cannot be read: permission denied");
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("hub: " + key + " " + file + " cannot be read: " + e.getMessage());
        }
    }

    private static String commonName(X509Certificate cert, Path file) {
        try {
            for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return rdn.getValue().toString();
                }
            }
        } catch (InvalidNameException e) {
            // below
        }
        throw new IllegalArgumentException("hub: cert " + file + " has no CN: a host's CN is its name in the fleet");
    }
}
