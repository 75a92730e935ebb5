package io.distexec.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialsTest {

  @TempDir Path home;

  private void config(String text) throws Exception {
    Path file = home.resolve(Credentials.CONFIG_FILE);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }

  @Test
  void theTokenComesFromTheEnvironmentThenItsFileThenTheConfig() throws Exception {
    Path tokenFile = Files.writeString(home.resolve("t"), "dxt_file\n");
    config("token=dxt_config\nmaster=10.0.0.1:50051\n");

    assertThat(new Credentials(Map.of("DISTEXEC_TOKEN", "dxt_env"), home).token())
        .contains("dxt_env");
    assertThat(new Credentials(Map.of("DISTEXEC_TOKEN_FILE", tokenFile.toString()), home).token())
        .contains("dxt_file");
    assertThat(new Credentials(Map.of(), home).token()).contains("dxt_config");
    assertThat(new Credentials(Map.of(), home).master()).contains("10.0.0.1:50051");
  }

  @Test
  void theCaComesFromTheEnvironmentThenTheConfigAndMustBeReadable() throws Exception {
    Path ca = Files.writeString(home.resolve("ca.crt"), "-----BEGIN CERTIFICATE-----\n");
    assertThat(new Credentials(Map.of(), home).ca()).isEmpty();

    config("ca=ca.crt\n");
    assertThat(new Credentials(Map.of(), home).ca()).contains(ca);
    Path other = Files.writeString(home.resolve("other.crt"), "x");
    assertThat(new Credentials(Map.of("DISTEXEC_CA", other.toString()), home).ca()).contains(other);

    assertThatThrownBy(() -> new Credentials(Map.of("DISTEXEC_CA", "/nowhere/ca.crt"), home).ca())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("DISTEXEC_CA: cannot read /nowhere/ca.crt");
  }
}
