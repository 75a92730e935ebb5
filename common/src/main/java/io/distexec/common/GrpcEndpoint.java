package io.distexec.common;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptor;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * An embedded grpc-java server on its own port, with the standard {@code grpc.health.v1.Health}
 * service. Netty's event loops and the service handlers run on daemon threads that this class owns
 * and stops: Liberty's managed thread factories do not run threads before the application has
 * started, and Liberty shuts the application's managed executor down before {@code @PreDestroy}
 * runs, which would fail every call made while a worker drains.
 */
public final class GrpcEndpoint implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(GrpcEndpoint.class.getName());

  private final String name;
  private final Server server;
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final ExecutorService handlers;
  private final HealthStatusManager health;

  private GrpcEndpoint(
      String name,
      Server server,
      EventLoopGroup boss,
      EventLoopGroup workers,
      ExecutorService handlers,
      HealthStatusManager health) {
    this.name = name;
    this.server = server;
    this.boss = boss;
    this.workers = workers;
    this.handlers = handlers;
    this.health = health;
  }

  /**
   * Binds and starts the server; every service is reported SERVING in the health service.
   *
   * @throws IOException when the address cannot be bound (in use, not a local interface)
   */
  public static GrpcEndpoint start(String name, HostPort bind, List<BindableService> services)
      throws IOException {
    return start(name, bind, services, List.of(), DEFAULT_MAX_INBOUND_BYTES);
  }

  /** grpc-java's own default bound on a message's size. */
  public static final int DEFAULT_MAX_INBOUND_BYTES = 4 * 1024 * 1024;

  /**
   * Threads that run call handlers: bounded, so a flood of calls queues instead of starting a
   * thread each; handlers are short (a store commit at most), streams are asynchronous.
   */
  static final int HANDLER_THREADS = 32;

  /** Callbacks waiting for a handler thread; past this, new work is refused, not buffered. */
  static final int HANDLER_QUEUE = 10_000;

  /**
   * Like {@link #start(String, HostPort, List)}, with interceptors around every service's calls and
   * a bound on the size of a message (larger ones are refused with RESOURCE_EXHAUSTED before they
   * are read whole).
   *
   * @throws IOException when the address cannot be bound (in use, not a local interface)
   */
  public static GrpcEndpoint start(
      String name,
      HostPort bind,
      List<BindableService> services,
      List<ServerInterceptor> interceptors,
      int maxInboundBytes)
      throws IOException {
    return start(name, bind, services, interceptors, maxInboundBytes, null);
  }

  /**
   * Like {@link #start(String, HostPort, List, List, int)}, over TLS when {@code credentials} are
   * given (plaintext for {@code null}).
   */
  public static GrpcEndpoint start(
      String name,
      HostPort bind,
      List<BindableService> services,
      List<ServerInterceptor> interceptors,
      int maxInboundBytes,
      ServerCredentials credentials)
      throws IOException {
    EventLoopGroup boss =
        new NioEventLoopGroup(1, new DefaultThreadFactory(name + "-grpc-boss", true));
    EventLoopGroup workers =
        new NioEventLoopGroup(0, new DefaultThreadFactory(name + "-grpc", true));
    ThreadPoolExecutor handlers =
        new ThreadPoolExecutor(
            HANDLER_THREADS,
            HANDLER_THREADS,
            30,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(HANDLER_QUEUE),
            new DefaultThreadFactory(name + "-grpc-handler", true));
    handlers.allowCoreThreadTimeOut(true);
    HealthStatusManager health = new HealthStatusManager();
    NettyServerBuilder builder =
        (credentials == null
                ? NettyServerBuilder.forAddress(new InetSocketAddress(bind.host(), bind.port()))
                : NettyServerBuilder.forAddress(
                    new InetSocketAddress(bind.host(), bind.port()), credentials))
            .bossEventLoopGroup(boss)
            .workerEventLoopGroup(workers)
            .channelType(NioServerSocketChannel.class)
            .executor(handlers)
            .permitKeepAliveTime(10, TimeUnit.SECONDS)
            .permitKeepAliveWithoutCalls(true)
            .maxInboundMessageSize(maxInboundBytes)
            .addService(health.getHealthService());
    services.forEach(builder::addService);
    interceptors.forEach(builder::intercept);
    Server server;
    try {
      server = builder.build().start();
    } catch (IOException e) {
      boss.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      workers.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      handlers.shutdownNow();
      throw new IOException("cannot serve gRPC on " + bind + ": " + e.getMessage(), e);
    }
    for (BindableService service : services) {
      health.setStatus(
          service.bindService().getServiceDescriptor().getName(), ServingStatus.SERVING);
    }
    health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.SERVING);
    LOG.info(
        () ->
            name
                + " gRPC endpoint listening on "
                + bind.host()
                + ":"
                + server.getPort()
                + (credentials == null ? " (plaintext)" : " (mutual TLS)"));
    return new GrpcEndpoint(name, server, boss, workers, handlers, health);
  }

  /** The bound port (useful when started on port 0). */
  public int port() {
    return server.getPort();
  }

  public boolean isServing() {
    return !server.isShutdown();
  }

  /** Stops accepting calls, gives running calls {@code grace} to finish, then stops everything. */
  public void close(long graceMillis) {
    health.enterTerminalState();
    server.shutdown();
    try {
      if (!server.awaitTermination(graceMillis, TimeUnit.MILLISECONDS)) {
        server.shutdownNow();
        server.awaitTermination(2, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
    // Synchronously, so that no Netty thread outlives the application.
    boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    handlers.shutdownNow();
    LOG.info(() -> name + " gRPC endpoint stopped");
  }

  @Override
  public void close() {
    close(5000);
  }
}
