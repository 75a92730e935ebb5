package io.distexec.common;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NegotiationType;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * Client channels (plaintext for now; TLS comes later) on one shared set of daemon event-loop
 * threads. The Netty builder is used directly rather than through the service loader, which does
 * not see the WAR's providers in every class loader set-up.
 */
public final class GrpcChannels implements AutoCloseable {

  private final EventLoopGroup group;
  private final int maxInboundBytes;

  public GrpcChannels(String name) {
    this(name, GrpcEndpoint.DEFAULT_MAX_INBOUND_BYTES);
  }

  /**
   * @param maxInboundBytes the largest message a channel accepts (see {@link GrpcLimits})
   */
  public GrpcChannels(String name, int maxInboundBytes) {
    this.group = new NioEventLoopGroup(0, new DefaultThreadFactory(name + "-grpc-client", true));
    this.maxInboundBytes = maxInboundBytes;
  }

  /** A channel to {@code host:port}. The caller owns it and shuts it down. */
  public ManagedChannel open(String address) {
    HostPort target = HostPort.parse("address", address);
    return NettyChannelBuilder.forAddress(target.host(), target.port())
        .eventLoopGroup(group)
        .channelType(NioSocketChannel.class)
        .negotiationType(NegotiationType.PLAINTEXT)
        .keepAliveTime(30, TimeUnit.SECONDS)
        .maxInboundMessageSize(maxInboundBytes)
        .build();
  }

  @Override
  public void close() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
