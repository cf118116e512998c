package dev.stallwatch.collector;

import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;

/**
 * Whether these tests can run here. Without a Docker engine they are skipped with the reason, on a developer's laptop;
 * CI sets {@code stallwatch.require.docker=true}, and then a missing engine fails them instead, so they can never
 * pass there by not running.
 */
final class Docker {
  private Docker() {}

  static void assumeAvailable() {
    boolean available;
    String why = "";
    try {
      available = DockerClientFactory.instance().isDockerAvailable();
    } catch (Throwable t) {
      available = false;
      why = ": " + t;
    }
    if (available) {
      return;
    }
    String reason = "no Docker engine is reachable" + why
        + " (start one, e.g. `dockerd &`; CI installs Debian's docker.io and starts it)";
    if (Boolean.getBoolean("stallwatch.require.docker")) {
      throw new IllegalStateException(reason + "; stallwatch.require.docker=true forbids skipping");
    }
    Assumptions.abort(reason);
  }

  /** Skips (or, when required, fails) a test that needs a program this machine lacks. */
  static void assumeTool(boolean present, String reason) {
    if (present) {
      return;
    }
    if (Boolean.getBoolean("stallwatch.require.docker")) {
      throw new IllegalStateException(reason + "; stallwatch.require.docker=true forbids skipping");
    }
    Assumptions.abort(reason);
  }
}
