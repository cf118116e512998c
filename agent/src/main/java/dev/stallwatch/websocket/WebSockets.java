package dev.stallwatch.websocket;

import dev.stallwatch.bootstrap.StallwatchWebSockets;
import dev.stallwatch.config.StallwatchConfig;
import dev.stallwatch.report.Detections;
import dev.stallwatch.runaway.InFlightOperations;
import dev.stallwatch.runaway.Watchdog;
import dev.stallwatch.telemetry.Telemetry;
import java.lang.instrument.Instrumentation;
import java.time.Duration;

/**
 * WebSocket handlers ({@code jakarta.websocket}, {@code javax.websocket}, Spring's {@code WebSocketHandler}): a span
 * per message and per open, close and error callback, session and message metrics, {@code websocket_error}
 * detections, and each handler call watched by the runaway watchdog. Always on; see docs/telemetry.md.
 */
public final class WebSockets {
  /** The operation kind of handler calls in spans, metrics and runaway detections. */
  public static final String KIND = "websocket";
  private static final Duration ERROR_REPORT_INTERVAL = Duration.ofMillis(100);

  private WebSockets() {}

  /**
   * Instruments handler and container classes loaded from now on; {@link #retransformLoaded} covers those loaded
   * before a late attach. The transformer can retransform: it changes method bodies only (no member is added).
   */
  public static void install(Instrumentation instrumentation, ClassLoader agentLoader, StallwatchConfig config,
      Telemetry telemetry, InFlightOperations operations, Detections detections, Watchdog watchdog) {
    WebSocketSites sites = new WebSocketSites(config.runawayThreshold().toNanos());
    HandlerErrors errors = new HandlerErrors(detections);
    StallwatchWebSockets.setListener(
        new WebSocketCalls(sites, operations, errors, telemetry.tracer(), telemetry.meter()));
    watchdog.every(ERROR_REPORT_INTERVAL, errors);
    instrumentation.addTransformer(new WebSocketTransformer(agentLoader, sites), true);
  }

  /**
   * Whether a class loaded before a late attach is worth retransforming for WebSocket handlers, sends or the
   * containers' side of sessions (given its internal name and class file).
   */
  public static boolean mayInstrument(String internalName, byte[] classFile) {
    return WebSocketTransformer.mayChange(internalName, classFile);
  }
}
