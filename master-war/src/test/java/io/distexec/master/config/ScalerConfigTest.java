package io.distexec.master.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScalerConfigTest {

  private static ScalerConfig read(Map<String, String> env) {
    return ScalerConfig.read(env::get);
  }

  @Test
  void isOffByDefaultWithTheDocumentedDefaults() {
    ScalerConfig config = read(Map.of());
    assertThat(config.enabled()).isFalse();
    assertThat(config.deployment()).isEqualTo("distexec-worker");
    assertThat(config.interval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.rules().minWorkers()).isZero();
    assertThat(config.rules().maxWorkers()).isEqualTo(10);
    assertThat(config.rules().idleBeforeRemoval()).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void readsEverySetting() {
    ScalerConfig config =
        read(
            Map.ofEntries(
                Map.entry("SCALER", " Kubernetes "),
                Map.entry("SCALER_DEPLOYMENT", "workers"),
                Map.entry("SCALER_INTERVAL_SECONDS", "2"),
                Map.entry("SCALER_MIN_WORKERS", "1"),
                Map.entry("SCALER_MAX_WORKERS", "30"),
                Map.entry("SCALER_MAX_STEP_OUT", "6"),
                Map.entry("SCALER_MAX_STEP_IN", "3"),
                Map.entry("SCALER_OUT_WINDOW_SECONDS", "10"),
                Map.entry("SCALER_IN_WINDOW_SECONDS", "60"),
                Map.entry("SCALER_IDLE_SECONDS", "90"),
                Map.entry("SCALER_SLOTS_PER_WORKER", "4")));
    assertThat(config.enabled()).isTrue();
    assertThat(config.deployment()).isEqualTo("workers");
    assertThat(config.interval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(config.rules())
        .isEqualTo(
            new io.distexec.master.scaling.ScalerSettings(
                1,
                30,
                6,
                3,
                Duration.ofSeconds(10),
                Duration.ofSeconds(60),
                Duration.ofSeconds(90),
                4));
  }

  @Test
  void namesTheSettingThatIsWrong() {
    assertThatThrownBy(() -> read(Map.of("SCALER", "keda")))
        .hasMessage("SCALER must be off or kubernetes, got 'keda'");
    assertThatThrownBy(() -> read(Map.of("SCALER_MAX_WORKERS", "many")))
        .hasMessage("SCALER_MAX_WORKERS must be a whole number, got 'many'");
    assertThatThrownBy(() -> read(Map.of("SCALER_MIN_WORKERS", "5", "SCALER_MAX_WORKERS", "2")))
        .hasMessageStartingWith("SCALER_MIN_WORKERS (5) must be from 0 to SCALER_MAX_WORKERS (2)");
    assertThatThrownBy(() -> read(Map.of("SCALER_DEPLOYMENT", "Workers!")))
        .hasMessageStartingWith("SCALER_DEPLOYMENT must be a Kubernetes object name");
    assertThatThrownBy(() -> read(Map.of("SCALER_INTERVAL_SECONDS", "0")))
        .hasMessage("SCALER_INTERVAL_SECONDS must be from 1 to 300, got 0");
  }
}
