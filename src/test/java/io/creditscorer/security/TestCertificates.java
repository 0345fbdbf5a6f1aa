package io.creditscorer.security;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A certificate authority made for one test run, and the certificates it signs. */
public final class TestCertificates {

  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

  /** A key and its certificate. */
  public record Issued(KeyPair keys, X509Certificate certificate) {
    public BigInteger serial() {
      return certificate.getSerialNumber();
    }

    /** Writes the certificate and the key as PEM files. */
    public void write(Path cert, Path key) {
      try {
        Files.createDirectories(cert.getParent());
        // Written beside, then moved: a reader never sees half a file.
        Path certNew = cert.resolveSibling(cert.getFileName() + ".new");
        Path keyNew = key.resolveSibling(key.getFileName() + ".new");
        Files.writeString(keyNew, pem(new JcaPKCS8Generator(keys.getPrivate(), null)));
        Files.writeString(certNew, pem(certificate));
        Files.move(keyNew, key, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        Files.move(certNew, cert, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private final Issued ca;

  public TestCertificates(String name) {
    KeyPair keys = keys();
    this.ca = new Issued(keys, sign(name, keys, name, keys, true, null));
  }

  public X509Certificate ca() {
    return ca.certificate();
  }

  /** A server certificate for 127.0.0.1 and localhost. */
  public Issued server(String name) {
    KeyPair keys = keys();
    GeneralNames names =
        new GeneralNames(
            new GeneralName[] {
              new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
              new GeneralName(GeneralName.dNSName, "localhost")
            });
    return new Issued(keys, sign(name, keys, subject(ca), ca.keys(), false, names));
  }

  /** A client certificate. */
  public Issued client(String name) {
    KeyPair keys = keys();
    return new Issued(keys, sign(name, keys, subject(ca), ca.keys(), false, null));
  }

  /** Trusts this authority alone. */
  public X509TrustManager trustManager() {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setCertificateEntry("ca", ca.certificate());
      TrustManagerFactory f = TrustManagerFactory.getInstance("PKIX");
      f.init(store);
      return (X509TrustManager) f.getTrustManagers()[0];
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public void writeCa(Path file) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, pem(ca.certificate()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String subject(Issued issued) {
    return issued.certificate().getSubjectX500Principal().getName();
  }

  private static KeyPair keys() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(256);
      return g.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static X509Certificate sign(
      String subject,
      KeyPair subjectKeys,
      String issuer,
      KeyPair issuerKeys,
      boolean ca,
      GeneralNames names) {
    try {
      Instant now = Instant.now();
      var builder =
          new JcaX509v3CertificateBuilder(
              new X500Name(issuer.startsWith("CN=") ? issuer : "CN=" + issuer),
              BigInteger.valueOf(SERIAL.incrementAndGet()),
              Date.from(now.minus(Duration.ofMinutes(5))),
              Date.from(now.plus(Duration.ofDays(1))),
              new X500Name("CN=" + subject),
              subjectKeys.getPublic());
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
      if (names != null) {
        builder.addExtension(Extension.subjectAlternativeName, false, names);
      }
      return new JcaX509CertificateConverter()
          .getCertificate(
              builder.build(
                  new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String pem(Object o) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(o);
    }
    return out.toString();
  }
}
