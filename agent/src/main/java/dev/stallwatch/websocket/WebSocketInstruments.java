package dev.stallwatch.websocket;

import dev.stallwatch.telemetry.TelemetryNames;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.LongUpDownCounter;
import io.opentelemetry.api.metrics.Meter;
import java.util.List;

/**
 * The WebSocket metrics, built once and shared by every kind of WebSocket traffic the agent sees (container handlers
 * in {@link WebSocketCalls}, Spring STOMP in {@link StompCalls}, Spring WebFlux in {@link ReactiveWebSockets}), so
 * that each name has one unit, one description and one set of buckets.
 */
final class WebSocketInstruments {
  private static final List<Double> DURATION_BUCKETS =
      List.of(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0);
  private static final List<Long> SIZE_BUCKETS =
      List.of(16L, 64L, 256L, 1024L, 4096L, 16384L, 65536L, 262144L, 1048576L, 4194304L);

  final LongUpDownCounter activeSessions;
  final LongCounter openedSessions;
  final LongCounter closedSessions;
  final LongCounter receivedMessages;
  final LongHistogram receivedSizes;
  final DoubleHistogram durations;
  final LongCounter handlerErrors;
  final LongCounter sentMessages;
  final LongHistogram sentSizes;

  WebSocketInstruments(Meter meter) {
    activeSessions = meter.upDownCounterBuilder(TelemetryNames.WEBSOCKET_SESSIONS_ACTIVE_METRIC).setUnit("{session}")
        .setDescription("WebSocket sessions open now (opened and not yet closed), by endpoint").build();
    openedSessions = meter.counterBuilder(TelemetryNames.WEBSOCKET_SESSIONS_OPENED_METRIC).setUnit("{session}")
        .setDescription("WebSocket sessions opened, by endpoint").build();
    closedSessions = meter.counterBuilder(TelemetryNames.WEBSOCKET_SESSIONS_CLOSED_METRIC).setUnit("{session}")
        .setDescription("WebSocket sessions closed, by endpoint and close code").build();
    receivedMessages = meter.counterBuilder(TelemetryNames.WEBSOCKET_MESSAGES_RECEIVED_METRIC).setUnit("{message}")
        .setDescription("WebSocket messages handed to a handler, by endpoint and message type").build();
    receivedSizes = meter.histogramBuilder(TelemetryNames.WEBSOCKET_MESSAGE_RECEIVED_SIZE_METRIC).ofLongs()
        .setUnit("By")
        .setDescription("Size of received WebSocket messages (UTF-8 bytes for text), by endpoint and type")
        .setExplicitBucketBoundariesAdvice(SIZE_BUCKETS).build();
    durations = meter.histogramBuilder(TelemetryNames.WEBSOCKET_HANDLER_DURATION_METRIC).setUnit("s")
        .setDescription("Duration of WebSocket handler calls, by endpoint and event")
        .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS).build();
    sentMessages = meter.counterBuilder(TelemetryNames.WEBSOCKET_MESSAGES_SENT_METRIC).setUnit("{message}")
        .setDescription("WebSocket messages the application sent, by endpoint and message type").build();
    sentSizes = meter.histogramBuilder(TelemetryNames.WEBSOCKET_MESSAGE_SENT_SIZE_METRIC).ofLongs().setUnit("By")
        .setDescription("Size of sent WebSocket messages (UTF-8 bytes for text), by endpoint and type")
        .setExplicitBucketBoundariesAdvice(SIZE_BUCKETS).build();
    handlerErrors = meter.counterBuilder(TelemetryNames.WEBSOCKET_HANDLER_ERRORS_METRIC).setUnit("{error}")
        .setDescription("WebSocket handler failures (thrown, or handed to the error callback), by endpoint, event "
            + "and exception type").build();
  }
}
