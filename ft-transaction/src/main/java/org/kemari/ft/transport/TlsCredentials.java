package org.kemari.ft.transport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;

/**
 * This host's TLS identity (key and certificate chain) and the certificates it trusts for the
 * peer, from PKCS12 files or from PEM files as openssl writes them.
 */
public interface TlsCredentials {

    /** A keystore with one private key entry, protected by {@link #password()}. */
    KeyStore identity() throws IOException;

    KeyStore trusted() throws IOException;

    char[] password();

    /** What the files are, for messages. */
    String describe();

    /** PKCS12 keystore (key + certificate) and truststore, both with {@code password}. */
    static TlsCredentials pkcs12(Path keystore, Path truststore, char[] password) {
        return new Pkcs12(keystore, truststore, password.clone());
    }

    /**
     * PEM files: {@code cert} the certificate (optionally followed by its chain), {@code key} its
     * unencrypted PKCS#8 private key ("BEGIN PRIVATE KEY", what openssl 3 writes), {@code ca}
     * the certificate(s) a peer's chain must end in.
     */
    static TlsCredentials pem(Path cert, Path key, Path ca) {
        return new Pem(cert, key, ca);
    }

    record Pkcs12(Path keystore, Path truststore, char[] password) implements TlsCredentials {
        @Override
        public KeyStore identity() throws IOException {
            return load("keystore", keystore);
        }

        @Override
        public KeyStore trusted() throws IOException {
            return load("truststore", truststore);
        }

        private KeyStore load(String what, Path file) throws IOException {
            try (InputStream in = Files.newInputStream(file)) {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(in, password);
                return ks;
            } catch (IOException | GeneralSecurityException e) {
                throw new IOException("cannot read PKCS12 " + what + " " + file + ": " + e.getMessage(), e);
            }
        }

        @Override
        public String describe() {
            return "keystore " + keystore + " and truststore " + truststore;
        }

        @Override
        public String toString() {
            return "PKCS12[" + describe() + "]";
        }
    }

    record Pem(Path cert, Path key, Path ca) implements TlsCredentials {
        /** The in-memory keystore's password: it never leaves this process. */
        private static final char[] MEMORY = "kemari".toCharArray();
        private static final String KEY_BEGIN = "-----BEGIN PRIVATE KEY-----";
        private static final String KEY_END = "-----END PRIVATE KEY-----";

        @Override
        public KeyStore identity() throws IOException {
            Collection<? extends Certificate> chain = certificates("certificate", cert);
            try {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                ks.setKeyEntry("kemari", privateKey(), MEMORY, chain.toArray(new Certificate[0]));
                return ks;
            } catch (GeneralSecurityException e) {
                throw new IOException("TLS key " + key + " does not go with certificate " + cert + ": " + e.getMessage(), e);
            }
        }

        @Override
        public KeyStore trusted() throws IOException {
            try {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                int i = 0;
                for (Certificate c : certificates("CA certificate", ca)) {
                    ks.setCertificateEntry("ca-" + i++, c);
                }
                return ks;
            } catch (GeneralSecurityException e) {
                throw new IOException("cannot use CA file " + ca + ": " + e.getMessage(), e);
            }
        }

        @Override
        public char[] password() {
            return MEMORY.clone();
        }

        private static Collection<? extends Certificate> certificates(String what, Path file) throws IOException {
            try (InputStream in = Files.newInputStream(file)) {
                Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
                if (certs.isEmpty()) {
                    throw new IOException("TLS " + what + " file " + file + " holds no PEM certificate");
                }
                return certs;
            } catch (GeneralSecurityException e) {
                throw new IOException("TLS " + what + " file " + file + " is not a PEM certificate: " + e.getMessage(), e);
            }
        }

        private PrivateKey privateKey() throws IOException {
            String text = Files.readString(key, StandardCharsets.US_ASCII);
            int begin = text.indexOf(KEY_BEGIN);
            int end = text.indexOf(KEY_END);
            if (begin < 0 || end < begin) {
                throw new IOException("TLS key file " + key + " is not an unencrypted PKCS#8 PEM key (\"" + KEY_BEGIN
                        + "\"); convert it with: openssl pkcs8 -topk8 -nocrypt -in " + key + " -out " + key + ".pk8");
            }
            byte[] der = Base64.getMimeDecoder().decode(text.substring(begin + KEY_BEGIN.length(), end));
            for (String algorithm : new String[] {"EC", "RSA", "Ed25519", "Ed448"}) {
                try {
                    return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
                } catch (InvalidKeySpecException | java.security.NoSuchAlgorithmException e) {
                    // not this algorithm: try the next one
                }
            }
            throw new IOException("TLS key file " + key + " holds a PKCS#8 key of an algorithm this JDK cannot use"
                    + " (EC, RSA, Ed25519 and Ed448 are supported)");
        }

        @Override
        public String describe() {
            return "certificate " + cert + ", key " + key + " and CA " + ca;
        }
    }
}
