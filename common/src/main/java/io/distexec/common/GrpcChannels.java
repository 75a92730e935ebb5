package io.distexec.common;

import io.grpc.ChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NegotiationType;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Client channels, plaintext or mutual TLS ({@link ClusterTls}), on one shared set of daemon
 * event-loop threads. The Netty builder is used directly rather than through the service loader,
 * which does not see the WAR's providers in every class loader set-up.
 */
public final class GrpcChannels implements AutoCloseable {

  private final EventLoopGroup group;
  private final int maxInboundBytes;
  private final ChannelCredentials credentials;
  private final String peerRole;

  public GrpcChannels(String name) {
    this(name, GrpcEndpoint.DEFAULT_MAX_INBOUND_BYTES);
  }

  /**
   * @param maxInboundBytes the largest message a channel accepts (see {@link GrpcLimits})
   */
  public GrpcChannels(String name, int maxInboundBytes) {
    this(name, maxInboundBytes, null, null);
  }

  /**
   * @param credentials TLS (mutual or not), or {@code null} for plaintext
   * @param peerRole the name the peer's certificate must carry ({@link ClusterTls#MASTER} or {@link
   *     ClusterTls#WORKER}), checked instead of its host name, which certificates issued before a
   *     pod has an address cannot know; {@code null} to check the host name, as for the client API
   */
  public GrpcChannels(
      String name, int maxInboundBytes, ChannelCredentials credentials, String peerRole) {
    this.group = new NioEventLoopGroup(0, new DefaultThreadFactory(name + "-grpc-client", true));
    this.maxInboundBytes = maxInboundBytes;
    this.credentials = credentials;
    this.peerRole = peerRole;
  }

  /**
   * A channel to {@code host:port}, or to the first that answers of several ({@code
   * host:port,host:port}, see {@link StaticAddresses}). The caller owns it and shuts it down.
   */
  @SuppressWarnings("deprecation") // nameResolverFactory: the one way to give a channel a list
  public ManagedChannel open(String address) {
    if (address.contains(",")) {
      List<HostPort> all = new ArrayList<>();
      for (String one : address.split(",")) {
        all.add(HostPort.parse("address", one.strip()));
      }
      StaticAddresses resolver = new StaticAddresses(all);
      NettyChannelBuilder builder =
          credentials == null
              ? NettyChannelBuilder.forTarget(resolver.target())
                  .negotiationType(NegotiationType.PLAINTEXT)
              : NettyChannelBuilder.forTarget(resolver.target(), credentials);
      if (peerRole != null) {
        builder.overrideAuthority(peerRole);
      }
      return finish(builder.nameResolverFactory(resolver).defaultLoadBalancingPolicy("pick_first"));
    }
    HostPort target = HostPort.parse("address", address);
    NettyChannelBuilder builder;
    if (credentials == null) {
      builder =
          NettyChannelBuilder.forAddress(target.host(), target.port())
              .negotiationType(NegotiationType.PLAINTEXT);
    } else if (peerRole == null) {
      builder = NettyChannelBuilder.forAddress(target.host(), target.port(), credentials);
    } else {
      builder =
          NettyChannelBuilder.forAddress(
                  new InetSocketAddress(target.host(), target.port()), credentials)
              .overrideAuthority(peerRole);
    }
    return finish(builder);
  }

  private ManagedChannel finish(NettyChannelBuilder builder) {
    return builder
        .eventLoopGroup(group)
        .channelType(NioSocketChannel.class)
        .keepAliveTime(30, TimeUnit.SECONDS)
        .maxInboundMessageSize(maxInboundBytes)
        .build();
  }

  @Override
  public void close() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
