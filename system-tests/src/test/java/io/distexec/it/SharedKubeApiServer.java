package io.distexec.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One kube-apiserver (with etcd and the controller manager) for the test classes that need one,
 * each in a namespace of its own: started by the first that asks for a {@link KubeApiServer}
 * parameter, stopped and its files deleted after the last test of the run.
 */
final class SharedKubeApiServer implements ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(SharedKubeApiServer.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == KubeApiServer.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(Started.class, k -> Started.start(), Started.class)
        .server();
  }

  private record Started(KubeApiServer server, Path run)
      implements ExtensionContext.Store.CloseableResource {

    static Started start() {
      try {
        Path run = Files.createTempDirectory("distexec-kube-apiserver");
        return new Started(KubeApiServer.start(run), run);
      } catch (Exception e) {
        throw new IllegalStateException("the kube-apiserver did not start", e);
      }
    }

    @Override
    public void close() throws IOException {
      server.close();
      try (Stream<Path> files = Files.walk(run)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }
}
