package dev.stallwatch.websocket;

import dev.stallwatch.bootstrap.StallwatchReactiveWebSockets;
import dev.stallwatch.bootstrap.StallwatchStomp;
import dev.stallwatch.bootstrap.StallwatchWebSockets;
import dev.stallwatch.config.StallwatchConfig;
import dev.stallwatch.report.Detections;
import dev.stallwatch.runaway.InFlightOperations;
import dev.stallwatch.runaway.Watchdog;
import dev.stallwatch.telemetry.Telemetry;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.time.Duration;

/**
 * WebSocket handlers ({@code jakarta.websocket}, {@code javax.websocket}, Spring's {@code WebSocketHandler}, Spring WebFlux's reactive one on Reactor Netty
 * ({@link ReactiveWebSockets})): a span
 * per message and per open, close and error callback, session and message metrics, {@code websocket_error}
 * detections, and each handler call watched by the runaway watchdog. Always on; see docs/telemetry.md.
 */
public final class WebSockets {
  /** The operation kind of handler calls in spans, metrics and runaway detections. */
  public static final String KIND = "websocket";
  private static final Duration ERROR_REPORT_INTERVAL = Duration.ofMillis(100);

  private WebSockets() {}

  /**
   * The three transformers of WebSocket classes, which a late attach asks about the classes loaded before it: the
   * handlers' and containers' ({@link WebSocketTransformer}), Spring STOMP's ({@link StompTransformer}) and Spring
   * WebFlux's ({@link ReactiveWebSocketTransformer}). Each is registered able to retransform, as each changes method
   * bodies only (no field, method or interface is added: Byte Buddy's frozen {@code redefine} without an
   * implementation context, or plain instruction rewriting).
   */
  public record Transformers(ClassFileTransformer handlers, ClassFileTransformer stomp,
      ClassFileTransformer reactive) {}

  /**
   * Instruments handler, container and Spring STOMP and WebFlux classes loaded from now on.
   *
   * @param attachedLate loaded into a running JVM: a WebFlux session opened before the attach is traced from its next
   *     message ({@link ReactiveWebSockets})
   */
  public static Transformers install(Instrumentation instrumentation, ClassLoader agentLoader,
      StallwatchConfig config, Telemetry telemetry, InFlightOperations operations, Detections detections,
      Watchdog watchdog, boolean attachedLate) {
    WebSocketSites sites = new WebSocketSites(config.runawayThreshold().toNanos());
    HandlerErrors errors = new HandlerErrors(detections);
    WebSocketInstruments metrics = new WebSocketInstruments(telemetry.meter());
    WebSocketCalls calls = new WebSocketCalls(sites, operations, errors, telemetry.tracer(), metrics);
    StallwatchWebSockets.setListener(calls);
    watchdog.every(ERROR_REPORT_INTERVAL, errors);
    WebSocketTransformer transformer = new WebSocketTransformer(agentLoader, sites);
    instrumentation.addTransformer(transformer, true);
    StallwatchReactiveWebSockets.setListener(
        new ReactiveWebSockets(sites, operations, errors, telemetry.tracer(), metrics, attachedLate));
    ReactiveWebSocketTransformer reactive = new ReactiveWebSocketTransformer(agentLoader);
    instrumentation.addTransformer(reactive, true);
    StompTransformer stomp =
        installStomp(instrumentation, agentLoader, config, telemetry, operations, detections, watchdog, calls, metrics);
    return new Transformers(transformer, stomp, reactive);
  }

  /** Spring's STOMP messaging ({@link StompTransformer}, {@link StompCalls}): same metrics as the handlers'. */
  private static StompTransformer installStomp(Instrumentation instrumentation, ClassLoader agentLoader, StallwatchConfig config,
      Telemetry telemetry, InFlightOperations operations, Detections detections, Watchdog watchdog,
      WebSocketCalls calls, WebSocketInstruments metrics) {
    StompErrors stompErrors = new StompErrors(detections);
    StompDisconnects disconnects = new StompDisconnects();
    calls.stompDisconnects(disconnects);
    StallwatchStomp.setListener(new StompCalls(operations, stompErrors, disconnects, telemetry.tracer(),
        telemetry.meter(),
        config.runawayThreshold().toNanos(), metrics.durations, metrics.handlerErrors));
    watchdog.every(ERROR_REPORT_INTERVAL, stompErrors);
    StompTransformer transformer = new StompTransformer(agentLoader);
    instrumentation.addTransformer(transformer, true);
    return transformer;
  }
}
