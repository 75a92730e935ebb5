package io.distexec.worker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.distexec.common.GrpcLimits;
import io.distexec.common.HostPort;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WorkerConfigTest {

  private static WorkerConfig config(String workerId, String master, int slots, Path plugins) {
    return config(workerId, master, slots, plugins, WorkerConfig.DEFAULT_EXECUTOR_THREADS);
  }

  private static WorkerConfig config(
      String workerId, String master, int slots, Path plugins, int threads) {
    return new WorkerConfig(
        workerId,
        new HostPort("127.0.0.1", 50052),
        "127.0.0.1:50052",
        master,
        slots,
        Duration.ofSeconds(5),
        Duration.ofSeconds(30),
        1 << 20,
        "",
        "",
        Set.of(),
        plugins,
        GrpcLimits.DEFAULT_MAX_SPEC_BYTES,
        threads);
  }

  @Test
  void validatesExecutorThreadsAndTellsWhenTheyAreTooFewForTheSlots() {
    assertThatThrownBy(() -> config("w", "127.0.0.1:50051", 1, null, 0))
        .hasMessage("EXECUTOR_THREADS must be at least 1, got 0");
    assertThat(config("w", "127.0.0.1:50051", 10, null, 48).executorThreadsSuffice()).isTrue();
    assertThat(config("w", "127.0.0.1:50051", 20, null, 48).executorThreadsSuffice()).isFalse();
  }

  @Test
  void requiresAWorkerIdAndAMasterAddressAndSaysSo() {
    assertThatThrownBy(() -> config("", "127.0.0.1:50051", 1, null))
        .hasMessageStartingWith("WORKER_ID is required");
    assertThatThrownBy(() -> config("w1", null, 1, null))
        .hasMessageStartingWith("MASTER_ADDRESS is required");
    assertThatThrownBy(() -> config("w1", "nohost", 1, null))
        .hasMessageContaining("expected host:port");
  }

  @Test
  void refusesZeroSlotsAndAMissingPluginsFolder() {
    assertThatThrownBy(() -> config("w1", "127.0.0.1:50051", 0, null))
        .hasMessageContaining("MAX_CONCURRENT_TASKS must be at least 1");
    assertThatThrownBy(() -> config("w1", "127.0.0.1:50051", 1, Path.of("/no/such/plugins")))
        .hasMessageContaining("PLUGINS_DIR is '/no/such/plugins', which is not a folder");
  }
}
