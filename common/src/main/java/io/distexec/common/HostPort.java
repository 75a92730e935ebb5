package io.distexec.common;

/**
 * A {@code host:port} address as the spec writes it. An empty host ({@code ":50051"}, as in Go)
 * means every interface; distexec's defaults name 127.0.0.1 so that nothing is exposed unless
 * asked.
 */
public record HostPort(String host, int port) {

  /**
   * @param setting name of the setting, for the error message
   * @throws IllegalArgumentException saying what is wrong and what a valid value looks like
   */
  public static HostPort parse(String setting, String value) {
    String v = value == null ? "" : value.trim();
    int colon = v.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException(
          setting + " is '" + value + "'; expected host:port, e.g. 127.0.0.1:50051");
    }
    String host = v.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(v.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          setting + " is '" + value + "'; the port must be a number");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(setting + " is '" + value + "'; the port must be 0-65535");
    }
    return new HostPort(host.isEmpty() ? "0.0.0.0" : host, port);
  }

  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  /** Whether only this machine can reach the address. */
  public boolean loopback() {
    return host.equals("127.0.0.1") || host.equals("localhost") || host.equals("::1");
  }
}
