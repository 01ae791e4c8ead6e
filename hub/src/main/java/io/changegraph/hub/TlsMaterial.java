package io.changegraph.hub;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * PEM files (as {@code scripts/fleet-certs.sh} and openssl write them) turned into Java key and trust stores:
 * a certificate chain, an unencrypted PKCS#8 private key (EC or RSA), CA certificates. Every problem is one
 * line naming the file and what to do.
 */
final class TlsMaterial {
    static final char[] NO_PASSWORD = "changegraph".toCharArray();
    private static final Pattern PKCS8 = Pattern.compile(
            "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

    private TlsMaterial() {
    }

    /** The certificates in a PEM file, first the leaf; at least one. */
    static List<X509Certificate> certificates(Path file, String what) {
        byte[] bytes = read(file, what);
        try {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(bytes));
            if (certs.isEmpty()) {
                throw new HubStartException(what + " " + file + " holds no certificate: give a PEM file"
                        + " (-----BEGIN CERTIFICATE-----)");
            }
            return certs.stream().map(X509Certificate.class::cast).toList();
        } catch (CertificateException e) {
            throw new HubStartException(what + " " + file + " is not a PEM certificate: " + e.getMessage());
        }
    }

    /** An unencrypted PKCS#8 key, EC or RSA. */
    static PrivateKey privateKey(Path file, String what) {
        String text = new String(read(file, what), StandardCharsets.US_ASCII);
        Matcher m = PKCS8.matcher(text);
        if (!m.find()) {
            String hint = text.contains("ENCRYPTED PRIVATE KEY") ? "it is encrypted: decrypt it with openssl pkcs8 -in KEY -out PLAIN"
                    : text.contains("BEGIN EC PRIVATE KEY") || text.contains("BEGIN RSA PRIVATE KEY")
                    ? "convert it with openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8"
                    : "give a PEM key (-----BEGIN PRIVATE KEY-----), as scripts/fleet-certs.sh writes";
            throw new HubStartException(what + " " + file + " is not an unencrypted PKCS#8 private key: " + hint);
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(m.group(1));
        } catch (IllegalArgumentException e) {
            throw new HubStartException(what + " " + file + " is not valid base64 PEM: " + e.getMessage());
        }
        for (String algorithm : List.of("EC", "RSA", "Ed25519")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (InvalidKeySpecException | java.security.NoSuchAlgorithmException e) {
                // try the next algorithm
            }
        }
        throw new HubStartException(what + " " + file + " is not an EC, RSA or Ed25519 private key");
    }

    /** A key store holding the key and its chain; the key must belong to the chain's first certificate. */
    static KeyStore keyStore(Path certFile, Path keyFile) {
        List<X509Certificate> chain = certificates(certFile, "certificate");
        PrivateKey key = privateKey(keyFile, "key");
        if (!key.getAlgorithm().equals(chain.getFirst().getPublicKey().getAlgorithm())
                || !matches(key, chain.getFirst())) {
            throw new HubStartException("key " + keyFile + " does not belong to certificate " + certFile
                    + ": give the key made with that certificate");
        }
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("key", key, NO_PASSWORD, chain.toArray(Certificate[]::new));
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new HubStartException("cannot use " + certFile + " with " + keyFile + ": " + e.getMessage());
        }
    }

    /** A trust store of the CA certificates in {@code caFile}. */
    static KeyStore trustStore(Path caFile) {
        List<X509Certificate> cas = certificates(caFile, "CA certificate");
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            for (int i = 0; i < cas.size(); i++) {
                store.setCertificateEntry("ca" + i, cas.get(i));
            }
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new HubStartException("cannot use CA certificate " + caFile + ": " + e.getMessage());
        }
    }

    /** A client-side context: our certificate (may be null for none) and the CA that signed the server's. */
    static SSLContext clientContext(Path certFile, Path keyFile, Path caFile) {
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            if (certFile != null) {
                kmf.init(keyStore(certFile, keyFile), NO_PASSWORD);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trustStore(caFile));
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(certFile == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new HubStartException("cannot set up TLS: " + e.getMessage());
        }
    }

    /** The CN of a certificate's subject, or null when it has none. */
    static String commonName(X509Certificate cert) {
        try {
            javax.naming.ldap.LdapName name = new javax.naming.ldap.LdapName(cert.getSubjectX500Principal().getName());
            String cn = null;
            for (javax.naming.ldap.Rdn rdn : name.getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    cn = String.valueOf(rdn.getValue());
                }
            }
            return cn;
        } catch (javax.naming.InvalidNameException e) {
            return null;
        }
    }

    private static boolean matches(PrivateKey key, X509Certificate cert) {
        try {
            String algorithm = switch (key.getAlgorithm()) {
                case "EC" -> "SHA256withECDSA";
                case "RSA" -> "SHA256withRSA";
                default -> key.getAlgorithm();
            };
            byte[] probe = "changegraph key check".getBytes(StandardCharsets.US_ASCII);
            java.security.Signature signer = java.security.Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            java.security.Signature verifier = java.security.Signature.getInstance(algorithm);
            verifier.initVerify(cert.getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static byte[] read(Path file, String what) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new HubStartException(what + " " + file + " does not exist: give the file"
                    + " (scripts/fleet-certs.sh DIR HOST... makes them)");
        } catch (IOException e) {
            throw new HubStartException("cannot read " + what + " " + file + ": " + e.getMessage());
        }
    }
}
