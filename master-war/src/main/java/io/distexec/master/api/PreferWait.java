package io.distexec.master.api;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads the {@code wait} preference of an RFC 7240 {@code Prefer} header, e.g. {@code Prefer:
 * wait=10}.
 */
final class PreferWait {

  private PreferWait() {}

  /**
   * The wait asked for, capped at {@code maxSeconds}; empty when none (or unreadable: preferences
   * are optional).
   */
  static Optional<Duration> parse(String header, int maxSeconds) {
    if (header == null) {
      return Optional.empty();
    }
    for (String preference : header.split(",")) {
      String[] parts = preference.split(";")[0].trim().split("=", 2);
      if (parts.length == 2 && parts[0].trim().toLowerCase(Locale.ROOT).equals("wait")) {
        try {
          long seconds = Long.parseLong(parts[1].trim().replace("\"", ""));
          if (seconds > 0) {
            return Optional.of(Duration.ofSeconds(Math.min(seconds, maxSeconds)));
          }
        } catch (NumberFormatException e) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }
}
