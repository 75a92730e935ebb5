package io.distexec.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The figures of a run: printed one per line as they come, and written as one JSON object. */
final class Results {

  private final Map<String, Object> figures = new LinkedHashMap<>();
  private final Map<String, String> units = new LinkedHashMap<>();
  private final Map<String, double[]> latencies = new LinkedHashMap<>();
  private final Map<String, List<double[]>> timelines = new LinkedHashMap<>();

  /** Records and prints a figure, e.g. {@code throughput.grpc.jobs_per_second}. */
  void put(String name, Object value, String unit) {
    figures.put(name, value);
    units.put(name, unit);
    String shown =
        value instanceof Double d ? String.format(Locale.ROOT, "%.2f", d) : String.valueOf(value);
    System.out.printf(Locale.ROOT, "%-44s %14s %s%n", name, shown, unit);
  }

  /** Every round trip of a latency part, in ms, for the report's histogram. */
  void latencies(String part, double[] millis) {
    latencies.put(part, millis.clone());
  }

  /** Jobs ended per second along a throughput run ({@code {seconds, jobs/s}}), for the report. */
  void timeline(String part, List<double[]> points) {
    timelines.put(part, List.copyOf(points));
  }

  Map<String, String> units() {
    return Map.copyOf(units);
  }

  Map<String, double[]> latencies() {
    return latencies;
  }

  Map<String, List<double[]>> timelines() {
    return timelines;
  }

  /** The figures in the order they were recorded. */
  Map<String, Object> ordered() {
    return java.util.Collections.unmodifiableMap(figures);
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
