package io.distexec.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * deploy/compose.yaml checked against what the images and the servers take, because it cannot be
 * started here (no registry for its PostgreSQL image; see the README): every variable it sets is a
 * documented setting of that server, every certificate folder is on a mounted volume, every
 * published port is one its image exposes, and the workers find the master where it listens.
 */
class ComposeFileTest {

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return (Map<String, Object>) o;
  }

  /** The settings of one table of the README's Configuration section ("**Master**"...). */
  private static Set<String> documented(String readme, String table) {
    int start = readme.indexOf("**" + table + "**");
    int end = readme.indexOf("\n\n", readme.indexOf("| setting |", start));
    Set<String> names = new HashSet<>();
    Matcher m = Pattern.compile("`([A-Z][A-Z0-9_]+)`").matcher(readme.substring(start, end));
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  private static Set<Integer> exposed(String dockerfile) throws Exception {
    String text = Files.readString(Clusters.ROOT.resolve("deploy/docker/" + dockerfile));
    Matcher m = Pattern.compile("(?m)^EXPOSE (.+)$").matcher(text);
    assertThat(m.find()).isTrue();
    Set<Integer> ports = new HashSet<>();
    for (String p : m.group(1).trim().split("\\s+")) {
      ports.add(Integer.parseInt(p));
    }
    return ports;
  }

  @Test
  void everySettingPortAndVolumeOfTheComposeFileIsOneTheImagesKnow() throws Exception {
    String readme = Files.readString(Clusters.ROOT.resolve("README.md"));
    Map<String, Object> compose =
        map(
            new Yaml(new LoaderOptions())
                .load(Files.readString(Clusters.ROOT.resolve("deploy/compose.yaml"))));
    Map<String, Object> services = map(compose.get("services"));
    assertThat(services).containsKeys("postgres", "master", "worker-1", "worker-2", "certs");
    Set<String> volumes = map(compose.get("volumes")).keySet();

    Set<String> masterSettings = documented(readme, "Master");
    masterSettings.addAll(Set.of("LOG_LEVEL")); // documented under "Both"
    Set<String> workerSettings = documented(readme, "Worker");
    workerSettings.addAll(Set.of("LOG_LEVEL"));
    for (String name : List.of("master", "worker-1", "worker-2")) {
      Map<String, Object> service = map(services.get(name));
      boolean master = name.equals("master");
      assertThat((String) service.get("image"))
          .isEqualTo(
              master ? "localhost/distexec-master:latest" : "localhost/distexec-worker:latest");
      Map<String, Object> env = map(service.get("environment"));
      assertThat(env.keySet())
          .as(name + "'s settings")
          .isSubsetOf(master ? masterSettings : workerSettings);
      // The certificate folder is on a volume the service mounts.
      String tlsDir = (String) env.get("CLUSTER_TLS_DIR");
      @SuppressWarnings("unchecked")
      List<String> mounts = (List<String>) service.get("volumes");
      assertThat(mounts)
          .anySatisfy(
              m -> {
                String[] parts = m.split(":");
                assertThat(volumes).contains(parts[0]);
                assertThat(tlsDir).startsWith(parts[1] + "/");
              });
      if (!master) {
        assertThat((String) env.get("MASTER_ADDRESS")).isEqualTo("master:50050");
        assertThat((String) env.get("WORKER_ADVERTISE_ADDRESS")).isEqualTo(name + ":50052");
        assertThat(env.get("WORKER_ID")).isEqualTo(name);
        assertThat(tlsDir).endsWith("/" + name);
      }
    }
    // Published ports are the master image's, on loopback only.
    @SuppressWarnings("unchecked")
    List<String> ports = (List<String>) map(services.get("master")).get("ports");
    Set<Integer> exposed = exposed("Dockerfile.master");
    for (String port : ports) {
      String[] parts = port.split(":");
      assertThat(parts[0]).isEqualTo("127.0.0.1");
      assertThat(exposed).contains(Integer.parseInt(parts[2]));
    }
    // The master's cluster port in the image is where the workers go.
    assertThat(Files.readString(Clusters.ROOT.resolve("deploy/docker/Dockerfile.master")))
        .contains("CLUSTER_ADDRESS=\"0.0.0.0:50050\"");
    assertThat(exposed("Dockerfile.worker")).contains(50052);
    // The master reaches PostgreSQL by its service name, with the same password.
    Map<String, Object> masterEnv = map(map(services.get("master")).get("environment"));
    assertThat((String) masterEnv.get("STORE_URL")).startsWith("jdbc:postgresql://postgres:5432/");
    assertThat(masterEnv.get("STORE_PASSWORD"))
        .isEqualTo(map(map(services.get("postgres")).get("environment")).get("POSTGRES_PASSWORD"));
  }
}
