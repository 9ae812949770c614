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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds in-memory key and trust stores from PEM files, so TLS works with the certificate,
 * key and CA files administrators already have. The key must be unencrypted PKCS#8 ("BEGIN
 * PRIVATE KEY"); the error says how to convert anything else.
 */
final class PemStores {
    static final char[] PASSWORD = new char[0];
    private static final Pattern PKCS8 = Pattern.compile(
            "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

    private PemStores() {
    }

    static KeyStore identity(Path certFile, Path keyFile) throws IOException, GeneralSecurityException {
        Certificate[] chain = certificates(certFile).toArray(new Certificate[0]);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("kemari", privateKey(keyFile), PASSWORD, chain);
        return ks;
    }

    static KeyStore trust(Path caFile) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        int i = 0;
        for (Certificate c : certificates(caFile)) {
            ks.setCertificateEntry("trusted-" + i++, c);
        }
        return ks;
    }

    private static Collection<? extends Certificate> certificates(Path file) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) {
                throw new IOException(file + ": no PEM certificate in it");
            }
            return certs;
        } catch (java.security.cert.CertificateException e) {
            throw new IOException(file + ": not a PEM certificate file: " + e.getMessage(), e);
        }
    }

    private static PrivateKey privateKey(Path file) throws IOException, GeneralSecurityException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        Matcher m = PKCS8.matcher(text);
        if (!m.find()) {
            throw new IOException(file + ": expected an unencrypted PKCS#8 key (BEGIN PRIVATE KEY); convert with"
                    + " 'openssl pkcs8 -topk8 -nocrypt -in " + file + " -out key.pem'");
        }
        byte[] der = Base64.getMimeDecoder().decode(m.group(1));
        for (String alg : new String[] {"EC", "RSA", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (InvalidKeySpecException e) {
                // try the next algorithm
            }
        }
        throw new IOException(file + ": PKCS#8 key of an algorithm other than EC, RSA or Ed25519");
    }
}
