package dev.stallwatch.collector;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;

/**
 * The collector the tests run: the binary that {@code build-collector.sh} builds from {@code builder-config.yaml}
 * (or takes from its cache), and the image {@code build-image.sh} makes of it, unless the tests are given an image
 * ({@code -Dstallwatch.collector.image=otel/opentelemetry-collector-contrib:0.161.0} where a registry is reachable).
 */
final class CollectorBuild {
  private static String image;
  private static Path binary;

  private CollectorBuild() {}

  static Path directory() {
    return Paths.get(System.getProperty("stallwatch.collector.dir", "otel-collector")).toAbsolutePath();
  }

  static Path config() {
    return directory().resolve("config.yaml");
  }

  static synchronized Path binary() throws IOException, InterruptedException {
    if (binary == null) {
      binary = Paths.get(run(directory().resolve("build-collector.sh").toString()));
    }
    return binary;
  }

  static synchronized String image() throws IOException, InterruptedException {
    if (image == null) {
      String given = System.getProperty("stallwatch.collector.image", "");
      image = given.isBlank() ? run(directory().resolve("build-image.sh").toString()) : given;
    }
    return image;
  }

  /** Runs a build script; its last line of output is the answer, its progress goes to the test's output. */
  private static String run(String script) throws IOException, InterruptedException {
    Process process = new ProcessBuilder("bash", script).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (!process.waitFor(20, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IllegalStateException(script + " took more than 20 minutes");
    }
    // build-collector.sh exits with 3 when Go is missing and nothing is cached: a machine without the tool.
    Docker.assumeTool(process.exitValue() != 3, "Go is needed to build the collector from builder-config.yaml");
    if (process.exitValue() != 0) {
      throw new IllegalStateException(script + " failed: " + out);
    }
    return out.substring(out.lastIndexOf('\n') + 1);
  }
}
