package dev.stallwatch.collector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;

/**
 * A real Prometheus (Debian's {@code prometheus} package) as a process on 127.0.0.1, scraping the given targets and
 * evaluating the given rules every second, with its data in a temporary directory; queried over its HTTP API as
 * Grafana would.
 */
final class PrometheusServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path BINARY = Paths.get(System.getProperty("stallwatch.prometheus", "/usr/bin/prometheus"));

  private final Process process;
  private final int port;
  private final Path directory;

  private PrometheusServer(List<String> targets, Path rules) throws IOException {
    Docker.assumeTool(Files.isExecutable(BINARY), BINARY + " is missing (Debian: apt-get install prometheus)");
    directory = Files.createTempDirectory("stallwatch-prometheus-");
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    String config = "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
        + (rules == null ? "" : "rule_files:\n  - '" + rules.toAbsolutePath() + "'\n")
        + "scrape_configs:\n  - job_name: collector\n    static_configs:\n      - targets: ["
        + String.join(", ", targets.stream().map(t -> "'" + t + "'").toList()) + "]\n";
    Files.writeString(directory.resolve("prometheus.yml"), config);
    process = new ProcessBuilder(BINARY.toString(),
        "--config.file=" + directory.resolve("prometheus.yml"),
        "--storage.tsdb.path=" + directory.resolve("data"),
        "--web.listen-address=127.0.0.1:" + port)
        .redirectErrorStream(true)
        .redirectOutput(directory.resolve("prometheus.log").toFile())
        .start();
  }

  static PrometheusServer start(List<String> targets) throws Exception {
    return start(targets, null);
  }

  /** Evaluating the rules file {@code rules} (none when null). */
  static PrometheusServer start(List<String> targets, Path rules) throws Exception {
    PrometheusServer server = new PrometheusServer(targets, rules);
    server.awaitReady(Duration.ofSeconds(30));
    return server;
  }

  /** The result vector of an instant query (an empty array when nothing matches). */
  JsonNode query(String promql) throws IOException, InterruptedException {
    JsonNode answer = JSON.readTree(RunningCollector.get("http://127.0.0.1:" + port + "/api/v1/query?query="
        + URLEncoder.encode(promql, StandardCharsets.UTF_8)));
    if (!"success".equals(answer.path("status").asText())) {
      throw new IllegalArgumentException("Prometheus rejected " + promql + ": " + answer);
    }
    return answer.path("data").path("result");
  }

  String log() throws IOException {
    return Files.readString(directory.resolve("prometheus.log"));
  }

  private void awaitReady(Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("prometheus exited: " + log());
      }
      try {
        RunningCollector.get("http://127.0.0.1:" + port + "/-/ready");
        return;
      } catch (IOException notYet) {
        Thread.sleep(200);
      }
    }
    throw new IllegalStateException("prometheus was not ready within " + timeout + ": " + log());
  }

  @Override
  public void close() throws Exception {
    process.destroy();
    process.waitFor();
  }
}
