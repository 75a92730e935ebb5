package io.distexec.worker.config;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The executor plugin jars in PLUGINS_DIR, behind one class loader whose parent is the worker's, so
 * plugins see the executor API the worker has. Without a folder, the worker's own loader.
 */
public final class Plugins implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(Plugins.class.getName());

  private final ClassLoader classLoader;

  private Plugins(ClassLoader classLoader) {
    this.classLoader = classLoader;
  }

  /** Loads every {@code *.jar} in {@code dir}, in name order; {@code dir} may be {@code null}. */
  static Plugins load(Path dir, ClassLoader parent) throws IOException {
    if (dir == null) {
      return new Plugins(parent);
    }
    List<Path> jars;
    try (Stream<Path> files = Files.list(dir)) {
      jars = files.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().toList();
    }
    List<URL> urls = new ArrayList<>();
    for (Path jar : jars) {
      try {
        urls.add(jar.toUri().toURL());
      } catch (MalformedURLException e) {
        throw new IOException("cannot load plugin " + jar + ": " + e.getMessage(), e);
      }
    }
    LOG.info(
        () ->
            "plugin jars in "
                + dir
                + ": "
                + jars.stream().map(j -> j.getFileName().toString()).toList());
    return new Plugins(new URLClassLoader("distexec-plugins", urls.toArray(URL[]::new), parent));
  }

  public ClassLoader classLoader() {
    return classLoader;
  }

  @Override
  public void close() {
    if (classLoader instanceof URLClassLoader loader) {
      try {
        loader.close();
      } catch (IOException e) {
        LOG.warning(() -> "closing the plugin class loader failed: " + e.getMessage());
      }
    }
  }
}
