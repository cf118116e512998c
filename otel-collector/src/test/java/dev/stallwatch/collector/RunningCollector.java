package dev.stallwatch.collector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * The collector of {@code config.yaml} in a real container. It shares the host's network and listens on 127.0.0.1
 * only, on ports picked free for each test; its traces go to {@code tracesEndpoint} (an OTLP/HTTP receiver the test
 * runs), its detections file to a directory of the test's, and its metrics to a Prometheus endpoint the test scrapes.
 */
final class RunningCollector implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final GenericContainer<?> container;
  private final int otlpHttpPort = freePort();
  private final int otlpGrpcPort = freePort();
  private final int healthPort = freePort();
  private final int prometheusPort = freePort();
  private final int internalMetricsPort = freePort();
  private final Path detectionsDirectory;

  private RunningCollector(String image, String tracesEndpoint) throws IOException {
    detectionsDirectory = Files.createTempDirectory("stallwatch-collector-",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxrwxrwx")));
    // The directory must be writable by the container's user, whoever that is in the image under test.
    Files.setPosixFilePermissions(detectionsDirectory, PosixFilePermissions.fromString("rwxrwxrwx"));
    container = new GenericContainer<>(DockerImageName.parse(image))
        .withNetworkMode("host")
        .withCopyFileToContainer(MountableFile.forHostPath(CollectorBuild.config()), "/etc/stallwatch/config.yaml")
        .withCommand("--config=/etc/stallwatch/config.yaml")
        .withFileSystemBind(detectionsDirectory.toString(), "/var/lib/stallwatch", BindMode.READ_WRITE)
        .withEnv("OTLP_HTTP_ENDPOINT", "127.0.0.1:" + otlpHttpPort)
        .withEnv("OTLP_GRPC_ENDPOINT", "127.0.0.1:" + otlpGrpcPort)
        .withEnv("HEALTH_ENDPOINT", "127.0.0.1:" + healthPort)
        .withEnv("PROMETHEUS_ENDPOINT", "127.0.0.1:" + prometheusPort)
        .withEnv("INTERNAL_METRICS_HOST", "127.0.0.1")
        .withEnv("INTERNAL_METRICS_PORT", String.valueOf(internalMetricsPort))
        .withEnv("TRACES_OTLP_ENDPOINT", tracesEndpoint)
        .withEnv("DETECTIONS_FILE", "/var/lib/stallwatch/detections.json");
  }

  /** Starts the collector and waits until its health check says every pipeline runs. */
  static RunningCollector start(String tracesEndpoint) throws Exception {
    Docker.assumeAvailable();
    RunningCollector collector = new RunningCollector(CollectorBuild.image(), tracesEndpoint);
    collector.container.start();
    collector.awaitHealthy(Duration.ofSeconds(30));
    return collector;
  }

  /** Where the agent sends OTLP over HTTP ({@code otel.exporter.otlp.endpoint}). */
  String otlpHttpEndpoint() {
    return "http://127.0.0.1:" + otlpHttpPort;
  }

  /** The collector's Prometheus exporter, as {@code host:port} for a scrape configuration. */
  String prometheusTarget() {
    return "127.0.0.1:" + prometheusPort;
  }

  /** The collector's own metrics (received, refused, sent per component). */
  String internalMetricsTarget() {
    return "127.0.0.1:" + internalMetricsPort;
  }

  /** What the collector's Prometheus exporter shows now. */
  String scrapeMetrics() throws IOException, InterruptedException {
    return get("http://" + prometheusTarget() + "/metrics");
  }

  /** Every log record the detections pipeline wrote to its file so far, as OTLP JSON. */
  List<JsonNode> detectionRecords() throws IOException {
    Path file = detectionsDirectory.resolve("detections.json");
    List<JsonNode> records = new ArrayList<>();
    if (!Files.exists(file)) {
      return records;
    }
    for (String line : Files.readAllLines(file)) {
      if (line.isBlank()) {
        continue;
      }
      for (JsonNode resourceLogs : JSON.readTree(line).path("resourceLogs")) {
        for (JsonNode scopeLogs : resourceLogs.path("scopeLogs")) {
          scopeLogs.path("logRecords").forEach(records::add);
        }
      }
    }
    return records;
  }

  /** The string value of a log record's attribute, or null. */
  static String attribute(JsonNode record, String key) {
    for (JsonNode attribute : record.path("attributes")) {
      if (key.equals(attribute.path("key").asText())) {
        return attribute.path("value").path("stringValue").asText(null);
      }
    }
    return null;
  }

  /** Stops the container without removing it: the collector is down, as in an outage. */
  void stopForOutage() {
    DockerClientFactory.instance().client().stopContainerCmd(container.getContainerId()).withTimeout(5).exec();
  }

  /** Starts the same container again, with the same ports and files, and waits until it is healthy. */
  void restartAfterOutage() throws Exception {
    DockerClientFactory.instance().client().startContainerCmd(container.getContainerId()).exec();
    awaitHealthy(Duration.ofSeconds(30));
  }

  String logs() {
    return container.getLogs();
  }

  private void awaitHealthy(Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    Exception last = null;
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<Void> response = HTTP.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + healthPort + "/")).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        last = notYet;
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("the collector did not become healthy within " + timeout + " (" + last
        + "); its log:\n" + logs());
  }

  static String get(String url) throws IOException, InterruptedException {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException(url + " answered " + response.statusCode() + ": " + response.body());
    }
    return response.body();
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    container.stop();
  }
}
