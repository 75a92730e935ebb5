package io.distexec.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A run at a glance: {@code report.html} beside {@code results.json}, one self-contained page (no
 * script, no asset from elsewhere) with every figure, the throughput as a ratio to the machine's
 * own process rate, a histogram of each latency part's round trips and a chart of jobs ended per
 * second along each throughput run.
 */
final class Report {

  private static final int W = 640;
  private static final int H = 200;
  private static final int LEFT = 48;
  private static final int BOTTOM = 24;
  private static final int TOP = 10;

  private Report() {}

  static void write(Results results, Path file) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, html(results));
  }

  static String html(Results results) {
    StringBuilder page = new StringBuilder();
    page.append(
        """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>distexec benchmark</title>
        <style>
        body { font: 15px/1.45 system-ui, sans-serif; margin: 16px auto; max-width: 960px; padding: 0 12px; color: #1d2327; }
        table { border-collapse: collapse; } td, th { padding: 3px 10px; border-bottom: 1px solid #ddd; text-align: left; }
        td.v { text-align: right; font-variant-numeric: tabular-nums; } .ratio { font-size: 1.3em; font-weight: 700; }
        figure { margin: 12px 0; } figcaption { font-weight: 600; } svg { width: 100%; max-width: 640px; height: auto; }
        svg text { font-size: 11px; fill: #5b6470; } .bar { fill: #6a9be0; } .line { fill: none; stroke: #1f5fbf; stroke-width: 2; }
        .axis { stroke: #bbb; } .p { stroke: #b42318; stroke-dasharray: 4 3; }
        </style></head><body>
        <h1>distexec benchmark</h1>
        """);
    page.append("<p>Run at ")
        .append(Instant.now())
        .append(" on ")
        .append(results.get("machine.cores"))
        .append(" cores.</p>\n");
    Map<String, Object> figures = results.ordered();
    for (String api : List.of("grpc", "rest")) {
      if (figures.get("throughput." + api + ".ratio_to_baseline") instanceof Double ratio) {
        page.append(
            String.format(
                Locale.ROOT,
                "<p>Throughput through %s: <span class=\"ratio\">%.2f</span> of the baseline (%.0f"
                    + " jobs/s against %.0f processes/s).</p>%n",
                api.equals("grpc") ? "gRPC" : "REST",
                ratio,
                figures.get("throughput." + api + ".jobs_per_second"),
                figures.get("baseline.jobs_per_second")));
      }
    }
    results.latencies().forEach((part, samples) -> page.append(histogram(part, samples)));
    results.timelines().forEach((part, points) -> page.append(timeline(part, points)));
    page.append("<h2>Every figure</h2>\n<table><tr><th>figure</th><th>value</th><th></th></tr>\n");
    Map<String, String> units = results.units();
    figures.forEach(
        (name, value) ->
            page.append("<tr><td>")
                .append(escape(name))
                .append("</td><td class=\"v\">")
                .append(
                    value instanceof Double d
                        ? String.format(Locale.ROOT, "%.2f", d)
                        : escape(String.valueOf(value)))
                .append("</td><td>")
                .append(escape(units.getOrDefault(name, "")))
                .append("</td></tr>\n"));
    page.append("</table>\n</body></html>\n");
    return page.toString();
  }

  /** Round trips in bins of equal width on a log scale, with the p50 and p99 marked. */
  static String histogram(String part, double[] sortedMillis) {
    if (sortedMillis.length == 0) {
      return "";
    }
    double min = Math.max(0.1, sortedMillis[0]);
    double max = Math.max(min * 1.01, sortedMillis[sortedMillis.length - 1]);
    int bins = 40;
    int[] counts = new int[bins];
    double span = Math.log(max / min);
    for (double ms : sortedMillis) {
      int bin = (int) Math.floor(Math.log(Math.max(ms, min) / min) / span * bins);
      counts[Math.min(bins - 1, Math.max(0, bin))]++;
    }
    int top = 1;
    for (int c : counts) {
      top = Math.max(top, c);
    }
    double width = (W - LEFT) / (double) bins;
    StringBuilder svg = svgStart("Round trips of " + part + " by time, log scale");
    for (int i = 0; i < bins; i++) {
      double h = counts[i] * (H - BOTTOM - TOP) / (double) top;
      svg.append(
          String.format(
              Locale.ROOT,
              "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"><title>%d"
                  + " round trips from %.1f ms</title></rect>",
              LEFT + i * width,
              H - BOTTOM - h,
              Math.max(1, width - 1),
              h,
              counts[i],
              min * Math.exp(span * i / bins)));
    }
    for (double q : new double[] {0.50, 0.99}) {
      double ms =
          sortedMillis[
              (int) Math.min(sortedMillis.length - 1, Math.ceil(q * sortedMillis.length) - 1)];
      double x = LEFT + Math.log(Math.max(ms, min) / min) / span * (W - LEFT);
      boolean right = x > W - 100; // a label near the right edge goes to the line's left
      svg.append(
          String.format(
              Locale.ROOT,
              "<line class=\"p\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\"/><text x=\"%.1f\""
                  + " y=\"%d\" text-anchor=\"%s\">p%d %.1f ms</text>",
              x,
              x,
              TOP,
              H - BOTTOM,
              right ? x - 3 : x + 3,
              TOP + 10 + (q > 0.9 ? 12 : 0),
              right ? "end" : "start",
              Math.round(q * 100),
              ms));
    }
    svg.append(
        axes(
            String.valueOf(top),
            String.format(Locale.ROOT, "%.1f ms", min),
            String.format(Locale.ROOT, "%.1f ms", max)));
    return figure(
        svg,
        String.format(
            Locale.ROOT,
            "Latency, %s: %d sequential round trips, submit to stored result",
            part,
            sortedMillis.length));
  }

  /** Jobs ended per second along a throughput run. */
  static String timeline(String part, List<double[]> points) {
    if (points.isEmpty()) {
      return "";
    }
    double end = points.get(points.size() - 1)[0];
    double top = 1;
    for (double[] p : points) {
      top = Math.max(top, p[1]);
    }
    StringBuilder path = new StringBuilder();
    for (double[] p : points) {
      path.append(path.isEmpty() ? 'M' : 'L')
          .append(
              String.format(
                  Locale.ROOT,
                  "%.1f,%.1f",
                  LEFT + p[0] / end * (W - LEFT),
                  H - BOTTOM - p[1] / top * (H - BOTTOM - TOP)));
    }
    StringBuilder svg = svgStart("Jobs ended per second along the " + part + " run");
    svg.append("<path class=\"line\" d=\"").append(path).append("\"/>");
    svg.append(
        axes(
            String.format(Locale.ROOT, "%.0f/s", top),
            "0 s",
            String.format(Locale.ROOT, "%.0f s", end)));
    return figure(svg, "Throughput over time, " + part + ": jobs ended per second");
  }

  private static StringBuilder svgStart(String label) {
    return new StringBuilder(
        String.format(
            Locale.ROOT,
            "<svg viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\">",
            W,
            H,
            escape(label)));
  }

  private static String axes(String top, String from, String to) {
    return String.format(
        Locale.ROOT,
        "<line class=\"axis\" x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\"/><text x=\"2\" y=\"%d\">%s</text>"
            + "<text x=\"2\" y=\"%d\">0</text><text x=\"%d\" y=\"%d\">%s</text>"
            + "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>",
        LEFT,
        W,
        H - BOTTOM,
        H - BOTTOM,
        TOP + 8,
        escape(top),
        H - BOTTOM,
        LEFT,
        H - 6,
        escape(from),
        W,
        H - 6,
        escape(to));
  }

  private static String figure(StringBuilder svg, String caption) {
    return "<figure>" + svg + "</svg><figcaption>" + escape(caption) + "</figcaption></figure>\n";
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
