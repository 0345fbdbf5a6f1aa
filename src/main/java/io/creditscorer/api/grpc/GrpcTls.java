package io.creditscorer.api.grpc;

import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.quarkus.grpc.api.ServerBuilderCustomizer;
import io.quarkus.grpc.runtime.config.GrpcServerConfiguration;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.tls.CertificateUpdatedEvent;
import io.quarkus.tls.TlsConfiguration;
import io.quarkus.tls.TlsConfigurationRegistry;
import io.vertx.core.Vertx;
import io.vertx.grpc.VertxServerBuilder;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;
import org.jboss.logging.Logger;

/**
 * TLS on the gRPC port from the Quarkus TLS registry. Quarkus' separate gRPC server reads only its
 * own {@code quarkus.grpc.server.ssl.*} files, once, so this bridge gives grpc-java's Netty server
 * key and trust managers that read the registry's configuration named {@code
 * scorer.grpc.tls.configuration-name} and are swapped when the registry reloads it ({@code
 * quarkus.tls.<name>.reload-period}, or a {@link CertificateUpdatedEvent}): new connections get the
 * new certificate without a restart. Mutual TLS: {@code scorer.grpc.tls.client-auth}, against the
 * configuration's trust store.
 */
@Singleton
public class GrpcTls implements ServerBuilderCustomizer<VertxServerBuilder> {

  private static final Logger LOG = Logger.getLogger(GrpcTls.class);

  private final GrpcSettings.Tls settings;
  private final TlsConfigurationRegistry registry;
  private final Vertx vertx;
  private final Keys keys = new Keys();
  private final Trust trust = new Trust();

  public GrpcTls(GrpcSettings settings, TlsConfigurationRegistry registry, Vertx vertx) {
    this.settings = settings.tls();
    this.registry = registry;
    this.vertx = vertx;
  }

  @Override
  public void customize(GrpcServerConfiguration config, VertxServerBuilder builder) {
    if (settings.configurationName().isEmpty()) {
      return;
    }
    TlsConfiguration tls = configuration();
    load(tls);
    ClientAuth clientAuth =
        switch (settings.clientAuth()) {
          case NONE -> ClientAuth.NONE;
          case REQUEST -> ClientAuth.OPTIONAL;
          case REQUIRED -> ClientAuth.REQUIRE;
        };
    try {
      SslContextBuilder ssl =
          GrpcSslContexts.configure(SslContextBuilder.forServer(keys), SslProvider.JDK)
              .clientAuth(clientAuth);
      if (clientAuth != ClientAuth.NONE) {
        ssl.trustManager(trust);
      }
      builder.nettyBuilder().sslContext(ssl.build());
    } catch (SSLException e) {
      throw new IllegalStateException(
          "TLS for the gRPC port (" + tls.getName() + "): " + e.getMessage(), e);
    }
  }

  /**
   * Quarkus logs a gRPC server that cannot start and goes on without it: a TLS set-up that cannot
   * work stops the start instead.
   */
  void onStart(@Observes StartupEvent event) {
    if (settings.configurationName().isPresent()) {
      load(configuration());
    }
  }

  /** The registry's configuration, checked for what the port needs. */
  private TlsConfiguration configuration() {
    String name = settings.configurationName().orElseThrow();
    TlsConfiguration tls =
        registry
            .get(name)
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "scorer.grpc.tls.configuration-name names '"
                            + name
                            + "', which has no quarkus.tls."
                            + name
                            + ".* configuration"));
    if (tls.getKeyStoreOptions() == null) {
      throw new IllegalStateException(
          "TLS for the gRPC port needs a key store: quarkus.tls." + name + ".key-store.*");
    }
    if (settings.clientAuth() != io.vertx.core.http.ClientAuth.NONE
        && tls.getTrustStoreOptions() == null) {
      throw new IllegalStateException(
          "scorer.grpc.tls.client-auth="
              + settings.clientAuth().name().toLowerCase()
              + " needs a trust store: quarkus.tls."
              + name
              + ".trust-store.*");
    }
    return tls;
  }

  void reloaded(@Observes CertificateUpdatedEvent event) {
    if (settings.configurationName().filter(event.name()::equals).isPresent()) {
      load(event.tlsConfiguration());
      LOG.infof("gRPC TLS: certificates of '%s' reloaded", event.name());
    }
  }

  private void load(TlsConfiguration tls) {
    try {
      keys.delegate = first(tls.getKeyStoreOptions().getKeyManagerFactory(vertx).getKeyManagers());
      if (tls.getTrustStoreOptions() != null) {
        trust.delegate =
            first(tls.getTrustStoreOptions().getTrustManagerFactory(vertx).getTrustManagers());
      }
    } catch (Exception e) {
      throw new IllegalStateException(
          "TLS for the gRPC port (" + tls.getName() + "): " + e.getMessage(), e);
    }
  }

  private static X509KeyManager first(KeyManager[] managers) {
    for (KeyManager m : managers) {
      if (m instanceof X509KeyManager x) {
        return x;
      }
    }
    throw new IllegalStateException("the key store holds no X.509 key");
  }

  private static X509TrustManager first(TrustManager[] managers) {
    for (TrustManager m : managers) {
      if (m instanceof X509TrustManager x) {
        return x;
      }
    }
    throw new IllegalStateException("the trust store holds no X.509 certificate");
  }

  /** The server's key and certificate chain, as last loaded. */
  private static final class Keys extends X509ExtendedKeyManager {
    volatile X509KeyManager delegate;

    @Override
    public String chooseEngineServerAlias(String type, Principal[] issuers, SSLEngine engine) {
      X509KeyManager d = delegate;
      return d instanceof X509ExtendedKeyManager x
          ? x.chooseEngineServerAlias(type, issuers, engine)
          : d.chooseServerAlias(type, issuers, null);
    }

    @Override
    public String chooseServerAlias(String type, Principal[] issuers, Socket socket) {
      return delegate.chooseServerAlias(type, issuers, socket);
    }

    @Override
    public String[] getServerAliases(String type, Principal[] issuers) {
      return delegate.getServerAliases(type, issuers);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return delegate.getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return delegate.getPrivateKey(alias);
    }

    @Override
    public String[] getClientAliases(String type, Principal[] issuers) {
      return null; // a server's key manager
    }

    @Override
    public String chooseClientAlias(String[] type, Principal[] issuers, Socket socket) {
      return null;
    }
  }

  /** The certificates a caller's certificate must chain to, as last loaded. */
  private static final class Trust extends X509ExtendedTrustManager {
    volatile X509TrustManager delegate;

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String auth, SSLEngine engine)
        throws CertificateException {
      X509TrustManager d = delegate;
      if (d instanceof X509ExtendedTrustManager x) {
        x.checkClientTrusted(chain, auth, engine);
      } else {
        d.checkClientTrusted(chain, auth);
      }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String auth, Socket socket)
        throws CertificateException {
      delegate.checkClientTrusted(chain, auth);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String auth)
        throws CertificateException {
      delegate.checkClientTrusted(chain, auth);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String auth, SSLEngine engine)
        throws CertificateException {
      throw new CertificateException("a server does not check servers");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String auth, Socket socket)
        throws CertificateException {
      throw new CertificateException("a server does not check servers");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String auth)
        throws CertificateException {
      throw new CertificateException("a server does not check servers");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return delegate.getAcceptedIssuers();
    }
  }
}
