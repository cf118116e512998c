package dev.stallwatch.sample.demo;

import dev.stallwatch.sample.load.LoadDriver;
import java.util.List;
import java.util.Map;

/**
 * The settings the demo (and the sample's tests) run the service with: stallwatch's thresholds shortened so that each
 * bug shows within seconds, and the service's metrics summary logged every second.
 */
public final class DemoSettings {
  private DemoSettings() {}

  /** System properties for the agent. */
  public static final Map<String, String> AGENT = Map.of(
      "stallwatch.lock.wait.threshold", "500ms",
      "stallwatch.permit.leak.threshold", "2s",
      "stallwatch.blocks", "BlockRewriter#rewriteBlock=2s",
      "otel.service.name", "rewrite-service");

  /**
   * System properties for the OpenTelemetry Java agent when the service runs under both agents: beside its own
   * instrumentation, its method instrumentation spans the provider's call ({@code RewriteProvider.rewrite}), which
   * runs on a provider thread of {@code BlockRewriter}'s pool; that agent carries the context through the pool, so its
   * span is a child of stallwatch's {@code BlockRewriter.rewriteBlock} span, in the WebSocket message's trace.
   */
  public static final Map<String, String> OTEL_AGENT = Map.of(
      "otel.instrumentation.methods.include", "dev.stallwatch.sample.rewrite.RewriteProvider[rewrite]");

  /** The OpenTelemetry agent's span of the provider's call ({@link #OTEL_AGENT}). */
  public static final String PROVIDER_SPAN = "RewriteProvider.rewrite";

  /** Arguments for the service: a free port and the faults switched on ({@code none} for none). */
  public static List<String> serviceArguments(String faults) {
    return List.of("--server.port=0", "--rewrite.faults=" + ("none".equals(faults) ? "" : faults),
        "--rewrite.metrics-report-interval=1s");
  }

  /**
   * The demo's traffic: the load driver's defaults for {@code duration}, giving up on a document after 3 s so that a
   * service a fault has stuck does not hold the run.
   */
  public static LoadDriver.Options load(java.net.URI url, java.time.Duration duration) {
    return LoadDriver.Options.defaults(url).withDuration(duration)
        .withDocumentTimeout(java.time.Duration.ofSeconds(3));
  }

  /** The line the service logs when it is ready, up to the port. */
  public static final String LISTENING = "rewrite service listening on ws://";

  /** The service's WebSocket address, read from its {@link #LISTENING} log line. */
  public static java.net.URI urlFromLogLine(String line) {
    int start = line.indexOf("ws://");
    int end = line.indexOf("/rewrite", start);
    return java.net.URI.create(line.substring(start, end) + "/rewrite");
  }
}
