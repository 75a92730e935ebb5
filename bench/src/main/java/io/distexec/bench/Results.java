package io.distexec.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The figures of a run: printed one per line as they come, and written as one JSON object. */
final class Results {

  private final Map<String, Object> figures = new LinkedHashMap<>();

  /** Records and prints a figure, e.g. {@code throughput.grpc.jobs_per_second}. */
  void put(String name, Object value, String unit) {
    figures.put(name, value);
    String shown =
        value instanceof Double d ? String.format(Locale.ROOT, "%.2f", d) : String.valueOf(value);
    System.out.printf(Locale.ROOT, "%-44s %14s %s%n", name, shown, unit);
  }

  Object get(String name) {
    return figures.get(name);
  }

  Map<String, Object> all() {
    return Map.copyOf(figures);
  }

  void write(Path file) throws IOException {
    StringBuilder json = new StringBuilder("{\n");
    int i = 0;
    for (Map.Entry<String, Object> e : figures.entrySet()) {
      json.append("  \"").append(e.getKey()).append("\": ");
      Object v = e.getValue();
      if (v instanceof Number || v instanceof Boolean) {
        json.append(v instanceof Double d ? String.format(Locale.ROOT, "%.4f", d) : v);
      } else {
        json.append('"')
            .append(String.valueOf(v).replace("\\", "\\\\").replace("\"", "\\\""))
            .append('"');
      }
      json.append(++i < figures.size() ? ",\n" : "\n");
    }
    json.append("}\n");
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, json);
  }
}
