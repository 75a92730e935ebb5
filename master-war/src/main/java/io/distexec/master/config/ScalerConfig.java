package io.distexec.master.config;

import io.distexec.master.scaling.ScalerSettings;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.IntSupplier;

/**
 * The autoscaler's settings (SCALER and SCALER_*); see the README's Scaling section.
 *
 * @param enabled SCALER=kubernetes (off by default)
 * @param deployment SCALER_DEPLOYMENT: the workers' Deployment, in the master's namespace
 * @param interval SCALER_INTERVAL_SECONDS: how often the leader takes a turn
 * @param rules the limits and windows of the decisions
 */
public record ScalerConfig(
    boolean enabled, String deployment, Duration interval, ScalerSettings rules) {

  public static final String DEFAULT_DEPLOYMENT = "distexec-worker";
  public static final int DEFAULT_INTERVAL_SECONDS = 5;

  public ScalerConfig {
    if (deployment == null || !deployment.matches("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?")) {
      throw new IllegalArgumentException(
          "SCALER_DEPLOYMENT must be a Kubernetes object name, got '" + deployment + "'");
    }
    if (interval.toSeconds() < 1 || interval.toSeconds() > 300) {
      throw new IllegalArgumentException(
          "SCALER_INTERVAL_SECONDS must be from 1 to 300, got " + interval.toSeconds());
    }
  }

  /**
   * Reads the settings; {@code value} gives a setting's text or null when unset.
   *
   * @throws IllegalArgumentException naming the setting that is wrong and what it takes
   */
  public static ScalerConfig read(Function<String, String> value) {
    String mode = orDefault(value.apply("SCALER"), "off").trim().toLowerCase(Locale.ROOT);
    if (!mode.equals("off") && !mode.equals("kubernetes")) {
      throw new IllegalArgumentException("SCALER must be off or kubernetes, got '" + mode + "'");
    }
    ScalerSettings d = ScalerSettings.DEFAULTS;
    ScalerSettings rules =
        new ScalerSettings(
            number(value, "SCALER_MIN_WORKERS", d::minWorkers),
            number(value, "SCALER_MAX_WORKERS", d::maxWorkers),
            number(value, "SCALER_MAX_STEP_OUT", d::maxStepOut),
            number(value, "SCALER_MAX_STEP_IN", d::maxStepIn),
            seconds(value, "SCALER_OUT_WINDOW_SECONDS", d.outWindow()),
            seconds(value, "SCALER_IN_WINDOW_SECONDS", d.inWindow()),
            seconds(value, "SCALER_IDLE_SECONDS", d.idleBeforeRemoval()),
            number(value, "SCALER_SLOTS_PER_WORKER", d::slotsPerWorker));
    return new ScalerConfig(
        mode.equals("kubernetes"),
        orDefault(value.apply("SCALER_DEPLOYMENT"), DEFAULT_DEPLOYMENT).trim(),
        Duration.ofSeconds(
            number(value, "SCALER_INTERVAL_SECONDS", () -> DEFAULT_INTERVAL_SECONDS)),
        rules);
  }

  private static String orDefault(String text, String otherwise) {
    return text == null || text.isBlank() ? otherwise : text;
  }

  private static int number(Function<String, String> value, String name, IntSupplier otherwise) {
    String text = value.apply(name);
    if (text == null || text.isBlank()) {
      return otherwise.getAsInt();
    }
    try {
      return Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number, got '" + text + "'");
    }
  }

  private static Duration seconds(Function<String, String> value, String name, Duration otherwise) {
    return Duration.ofSeconds(number(value, name, () -> (int) otherwise.toSeconds()));
  }
}
