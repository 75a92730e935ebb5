package io.distexec.common;

import io.grpc.ChannelCredentials;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Mutual TLS between the master and its workers, from one cluster CA. Each node has a folder with
 * {@code tls.crt}, {@code tls.key} (PKCS#8 PEM) and {@code ca.crt}: the layout of a Kubernetes TLS
 * Secret as cert-manager writes it. A certificate says who its node is twice: its subject's CN is
 * the node's name (a worker's WORKER_ID), and a DNS name of its subjectAltName is its role, {@value
 * #MASTER} or {@value #WORKER}. Each side dials the other with that role as the expected server
 * name, so a worker's certificate cannot pass for the master's, nor the other way round.
 *
 * @param dir where the three files are
 */
public record ClusterTls(Path dir) {

  /** The role name in a master's certificate, and the name workers expect when they dial it. */
  public static final String MASTER = "distexec-master";

  /** The role name in a worker's certificate, and the name the master expects when it dials one. */
  public static final String WORKER = "distexec-worker";

  private static final Context.Key<Peer> PEER = Context.key("distexec-cluster-peer");

  /** Who is on the other end of a mutually authenticated call. */
  public record Peer(String name, Set<String> roles) {

    /**
     * Whether this peer may speak for the worker {@code workerId}: its certificate names it, or is
     * a pool certificate whose CN ends in {@code *} and the id starts with what comes before. A
     * pool certificate is for workers named only when they start (the pods of a Kubernetes
     * Deployment, {@code distexec-worker-*}), which share it: it keeps out every machine without
     * it, not one pod of the pool from speaking for another; give each worker a certificate of its
     * own where that matters (e.g. cert-manager's CSI driver).
     */
    public boolean speaksFor(String workerId) {
      if (name.endsWith("*")) {
        String prefix = name.substring(0, name.length() - 1);
        return workerId.length() > prefix.length() && workerId.startsWith(prefix);
      }
      return name.equals(workerId);
    }
  }

  /**
   * The folder, checked.
   *
   * @throws IllegalArgumentException naming the missing file
   */
  public static ClusterTls in(Path dir) {
    for (String file : List.of("tls.crt", "tls.key", "ca.crt")) {
      if (!Files.isReadable(dir.resolve(file))) {
        throw new IllegalArgumentException(
            "CLUSTER_TLS_DIR "
                + dir
                + " has no readable "
                + file
                + " (it holds tls.crt, tls.key and ca.crt, as a Kubernetes TLS Secret does)");
      }
    }
    return new ClusterTls(dir);
  }

  /** For a server that accepts only peers with a certificate from the cluster CA. */
  public ServerCredentials serverCredentials() throws IOException {
    return TlsServerCredentials.newBuilder()
        .keyManager(dir.resolve("tls.crt").toFile(), dir.resolve("tls.key").toFile())
        .trustManager(dir.resolve("ca.crt").toFile())
        .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE)
        .build();
  }

  /** For dialling a peer, showing this node's certificate, trusting the cluster CA only. */
  public ChannelCredentials channelCredentials() throws IOException {
    return TlsChannelCredentials.newBuilder()
        .keyManager(dir.resolve("tls.crt").toFile(), dir.resolve("tls.key").toFile())
        .trustManager(dir.resolve("ca.crt").toFile())
        .build();
  }

  /** The peer of the current call, if it came over mutual TLS through {@link #requireRole}. */
  public static java.util.Optional<Peer> currentPeer() {
    return java.util.Optional.ofNullable(PEER.get());
  }

  /**
   * Lets in only calls whose peer's certificate (already checked against the cluster CA by the TLS
   * handshake) has {@code role}; the peer is then in the call's context ({@link #currentPeer()}).
   */
  public static ServerInterceptor requireRole(String role) {
    return new ServerInterceptor() {
      @Override
      public <Q, A> ServerCall.Listener<Q> interceptCall(
          ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
        SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
        Peer peer;
        try {
          peer = session == null ? null : peerOf(session.getPeerCertificates());
        } catch (SSLPeerUnverifiedException e) {
          peer = null;
        }
        if (peer == null) {
          call.close(
              Status.UNAUTHENTICATED.withDescription(
                  "this call needs a certificate from the cluster CA"),
              new Metadata());
          return new ServerCall.Listener<>() {};
        }
        if (!peer.roles().contains(role)) {
          call.close(
              Status.PERMISSION_DENIED.withDescription(
                  "only a " + role + " may call this; '" + peer.name() + "' is " + peer.roles()),
              new Metadata());
          return new ServerCall.Listener<>() {};
        }
        return Contexts.interceptCall(Context.current().withValue(PEER, peer), call, headers, next);
      }
    };
  }

  static Peer peerOf(Certificate[] chain) {
    if (chain == null || chain.length == 0 || !(chain[0] instanceof X509Certificate cert)) {
      return null;
    }
    String name = "";
    try {
      for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          name = rdn.getValue().toString();
        }
      }
    } catch (InvalidNameException e) {
      return null;
    }
    Set<String> roles = new HashSet<>();
    try {
      if (cert.getSubjectAlternativeNames() != null) {
        for (List<?> san : cert.getSubjectAlternativeNames()) {
          // type 2 is a DNS name
          if (Integer.valueOf(2).equals(san.get(0))
              && (MASTER.equals(san.get(1)) || WORKER.equals(san.get(1)))) {
            roles.add((String) san.get(1));
          }
        }
      }
    } catch (CertificateParsingException e) {
      return null;
    }
    return new Peer(name, Set.copyOf(roles));
  }

  /**
   * The TLS of CLUSTER_TLS_DIR, or {@code null} for plaintext, which only a loopback address may
   * serve: a cluster port other machines can reach must authenticate them.
   *
   * @param setting the name of the address setting, for the message
   * @throws IllegalArgumentException for plaintext on an address other machines can reach
   */
  public static ClusterTls forBind(String tlsDir, String setting, HostPort bind) {
    if (tlsDir != null && !tlsDir.isBlank()) {
      return in(Path.of(tlsDir));
    }
    if (!bind.loopback()) {
      throw new IllegalArgumentException(
          setting
              + "="
              + bind
              + " can be reached from other machines: set CLUSTER_TLS_DIR to the folder of this"
              + " node's cluster certificate (mutual TLS), or bind to 127.0.0.1");
    }
    return null;
  }
}
