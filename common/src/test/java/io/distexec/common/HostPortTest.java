package io.distexec.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HostPortTest {

  @Test
  void parsesHostAndPort() {
    assertThat(HostPort.parse("MASTER_ADDRESS", "127.0.0.1:50051"))
        .isEqualTo(new HostPort("127.0.0.1", 50051));
  }

  @Test
  void readsAnEmptyHostAsEveryInterfaceAsTheSpecDoes() {
    assertThat(HostPort.parse("MASTER_ADDRESS", ":50051"))
        .isEqualTo(new HostPort("0.0.0.0", 50051));
  }

  @Test
  void acceptsBracketedIpv6() {
    assertThat(HostPort.parse("X", "[::1]:7")).isEqualTo(new HostPort("::1", 7));
  }

  @Test
  void explainsWhatIsWrong() {
    assertThatThrownBy(() -> HostPort.parse("MASTER_ADDRESS", "localhost"))
        .hasMessage("MASTER_ADDRESS is 'localhost'; expected host:port, e.g. 127.0.0.1:50051");
    assertThatThrownBy(() -> HostPort.parse("MASTER_ADDRESS", "host:http"))
        .hasMessageContaining("the port must be a number");
  }
}
