package io.distexec.master.balancing;

import java.util.Locale;

/** Builds the balancer named in configuration. */
public final class LoadBalancers {

  private LoadBalancers() {}

  /**
   * @throws IllegalArgumentException with the accepted names when {@code name} is unknown
   */
  public static LoadBalancer named(String name) {
    return switch (name.trim().toLowerCase(Locale.ROOT)) {
      case RoundRobinBalancer.NAME, "roundrobin", "round_robin" -> new RoundRobinBalancer();
      case LeastConnectionsBalancer.NAME, "leastconnections", "least_connections" ->
          new LeastConnectionsBalancer();
      default ->
          throw new IllegalArgumentException(
              "LOAD_BALANCER is '"
                  + name
                  + "'; use '"
                  + RoundRobinBalancer.NAME
                  + "' or '"
                  + LeastConnectionsBalancer.NAME
                  + "'");
    };
  }
}
