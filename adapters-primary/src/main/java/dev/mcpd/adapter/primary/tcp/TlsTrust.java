package dev.mcpd.adapter.primary.tcp;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The proxy's TLS trust for a daemon serving TLS over TCP: the certificates of a PEM file (the daemon's own
 * self-signed certificate, or the CA that signed it), and nothing else (not the JDK's public CAs).
 */
public final class TlsTrust {

    private TlsTrust() {}

    /**
     * An {@link SSLContext} trusting exactly the certificates in {@code pemFile}.
     *
     * @throws IOException if the file cannot be read or holds no certificate
     */
    public static SSLContext fromPem(Path pemFile) throws IOException {
        try (InputStream in = Files.newInputStream(pemFile)) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int n = 0;
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("mcpd-" + n++, certificate);
            }
            if (n == 0) {
                throw new IOException("no certificate in " + pemFile);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use " + pemFile + " as TLS trust: " + e.getMessage(), e);
        }
    }
}
