package io.distexec.common;

import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;

/**
 * A fixed list of addresses for one channel ({@code host:port,host:port}): grpc-java's {@code
 * pick_first} connects to the first that answers and moves to the next when it goes away, so a
 * client given every master's address fails over by itself.
 */
final class StaticAddresses extends NameResolver.Factory {

  static final String SCHEME = "distexec-static";

  private final List<HostPort> addresses;

  StaticAddresses(List<HostPort> addresses) {
    this.addresses = List.copyOf(addresses);
  }

  /** The channel target naming these addresses (only this factory resolves it). */
  String target() {
    return SCHEME + ":///" + addresses.get(0);
  }

  @Override
  public NameResolver newNameResolver(URI targetUri, NameResolver.Args args) {
    if (!SCHEME.equals(targetUri.getScheme())) {
      return null;
    }
    return new NameResolver() {
      @Override
      public String getServiceAuthority() {
        return addresses.get(0).toString();
      }

      @Override
      public void start(Listener2 listener) {
        listener.onResult(
            ResolutionResult.newBuilder()
                .setAddresses(
                    addresses.stream()
                        .map(
                            a ->
                                new EquivalentAddressGroup(
                                    new InetSocketAddress(a.host(), a.port())))
                        .toList())
                .build());
      }

      @Override
      public void refresh() {} // the list does not change

      @Override
      public void shutdown() {}
    };
  }

  @Override
  public String getDefaultScheme() {
    return SCHEME;
  }
}
