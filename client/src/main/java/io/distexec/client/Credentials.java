package io.distexec.client;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Where a client finds its API token when none is given, first match wins, as kubectl finds its
 * config: the environment variable {@code DISTEXEC_TOKEN}; the file named by {@code
 * DISTEXEC_TOKEN_FILE}; the {@code token} (or {@code token-file}) of {@code
 * ~/.config/distexec/config} (a properties file, which may also name the {@code master}). The CA
 * certificate of a master whose API serves TLS comes the same way: {@code DISTEXEC_CA}, then the
 * config file's {@code ca}.
 */
public final class Credentials {

  /** The user's config file, relative to the home folder. */
  public static final String CONFIG_FILE = ".config/distexec/config";

  private final Map<String, String> env;
  private final Path home;

  Credentials(Map<String, String> env, Path home) {
    this.env = env;
    this.home = home;
  }

  /** Looks in this process's environment and the user's home. */
  public static Credentials fromEnvironment() {
    return new Credentials(System.getenv(), Path.of(System.getProperty("user.home")));
  }

  /**
   * The token, if one is configured.
   *
   * @throws IllegalArgumentException when a configured file cannot be read, naming it
   */
  public Optional<String> token() {
    String token = env.get("DISTEXEC_TOKEN");
    if (token != null && !token.isBlank()) {
      return Optional.of(token.strip());
    }
    String file = env.get("DISTEXEC_TOKEN_FILE");
    if (file != null && !file.isBlank()) {
      return Optional.of(read(Path.of(file), "DISTEXEC_TOKEN_FILE"));
    }
    Properties config = config();
    String fromConfig = config.getProperty("token");
    if (fromConfig != null && !fromConfig.isBlank()) {
      return Optional.of(fromConfig.strip());
    }
    String tokenFile = config.getProperty("token-file");
    if (tokenFile != null && !tokenFile.isBlank()) {
      return Optional.of(
          read(home.resolve(tokenFile.strip()), home.resolve(CONFIG_FILE) + " token-file"));
    }
    return Optional.empty();
  }

  /**
   * The CA certificate (PEM file) to trust for the master's API over TLS, if one is configured.
   *
   * @throws IllegalArgumentException when the configured file cannot be read, naming it
   */
  public Optional<Path> ca() {
    String fromEnv = env.get("DISTEXEC_CA");
    if (fromEnv != null && !fromEnv.isBlank()) {
      return Optional.of(readable(Path.of(fromEnv.strip()), "DISTEXEC_CA"));
    }
    String fromConfig = config().getProperty("ca");
    if (fromConfig != null && !fromConfig.isBlank()) {
      return Optional.of(
          readable(home.resolve(fromConfig.strip()), home.resolve(CONFIG_FILE) + " ca"));
    }
    return Optional.empty();
  }

  private static Path readable(Path file, String what) {
    if (!Files.isReadable(file)) {
      throw new IllegalArgumentException(what + ": cannot read " + file);
    }
    return file;
  }

  /** The master the config file names, if it does. */
  public Optional<String> master() {
    return Optional.ofNullable(config().getProperty("master"))
        .map(String::strip)
        .filter(m -> !m.isEmpty());
  }

  private Properties config() {
    Properties properties = new Properties();
    Path file = home.resolve(CONFIG_FILE);
    if (Files.isRegularFile(file)) {
      try (Reader reader = Files.newBufferedReader(file)) {
        properties.load(reader);
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
      }
    }
    return properties;
  }

  static String read(Path file, String what) {
    try {
      return Files.readString(file).strip();
    } catch (IOException e) {
      throw new IllegalArgumentException(what + ": cannot read " + file + ": " + e.getMessage(), e);
    }
  }
}
