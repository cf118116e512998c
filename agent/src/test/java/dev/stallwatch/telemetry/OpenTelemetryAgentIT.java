package dev.stallwatch.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.stallwatch.testapps.HelloWorld;
import dev.stallwatch.testapps.websocket.PricingServer;
import dev.stallwatch.testing.ForkedJvm;
import dev.stallwatch.testing.Jdk;
import dev.stallwatch.testing.OtlpReceiver;
import dev.stallwatch.testing.RunningJvm;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.trace.v1.Span;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Stallwatch with the real OpenTelemetry Java agent (2.33.1 from Maven Central), both ways users start them: two
 * {@code -javaagent} flags (that agent first) and stallwatch as its extension. One forked JVM per way and JDK runs a
 * WebSocket handler on Tomcat whose block method calls a local HTTP service with the JDK's {@code HttpClient}, queries
 * H2 over JDBC and waits on a busy lock; everything is checked on what that agent's exporter sent to one OTLP
 * receiver: one trace from stallwatch's message span through its block span to that agent's HTTP client and JDBC
 * spans, one resource for every signal, stallwatch's metrics and its detection as a log record.
 */
class OpenTelemetryAgentIT {
  private static final String BLOCK = "PricingServer$Pricing";

  enum Way {
    TWO_FLAGS, EXTENSION
  }

  static Stream<Arguments> waysAndJdks() {
    return Stream.of(Way.values()).flatMap(way -> Jdk.all().stream().map(jdk -> Arguments.of(way, jdk)));
  }

  @ParameterizedTest(name = "{0} on {1}")
  @MethodSource("waysAndJdks")
  void handlerSpansJoinTheOpenTelemetryAgentsTraceAndEverythingLeavesThroughItsSdk(Way way, Jdk jdk)
      throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      ForkedJvm jvm = ForkedJvm.run(jdk, PricingServer.class, "600")
          .jvmOptionBeforeAgent("-javaagent:" + ForkedJvm.openTelemetryAgentJar())
          .classpathFrom("stallwatch.test.server.tomcat")
          .classpathFrom("stallwatch.test.h2")
          .exportTo(receiver)
          .property("otel.service.name", "pricing")
          .property("stallwatch.blocks", BLOCK + "#price")
          .property("stallwatch.lock.wait.threshold", "200ms");
      if (way == Way.EXTENSION) {
        jvm.withoutAgent().property("otel.javaagent.extensions", ForkedJvm.agentJar().toString());
      }
      RunningJvm.Result result = jvm.runToEnd(Duration.ofSeconds(120));
      assertThat(result.exitCode()).as(result.stderr()).isZero();
      assertThat(result.stdout()).contains("reply order-7 3 x 42").contains("done");
      // Detections, and on a starved machine the watchdog's own "ran late" health line; never a word about the
      // OpenTelemetry agent (a failed join, the wrong order, a second start).
      assertThat(result.agentLines()).as("stallwatch started joined, and said so with nothing but its detections")
          .anySatisfy(line -> assertThat(line).startsWith("[stallwatch] lock_wait"))
          .allSatisfy(line -> assertThat(line).doesNotContain("OpenTelemetry").doesNotContain("could not")
              .doesNotContain("already attached"));

      Span message = receiver.awaitSpan(s -> s.getName().equals("websocket message /orders"),
          Duration.ofSeconds(20));
      Span block = receiver.awaitSpan(s -> s.getName().equals(BLOCK + ".price"), Duration.ofSeconds(10));
      Span http = receiver.awaitSpan(s -> s.getKind() == Span.SpanKind.SPAN_KIND_CLIENT
          && "GET".equals(OtlpReceiver.attribute(s.getAttributesList(), "http.request.method"))
          && String.valueOf(OtlpReceiver.attribute(s.getAttributesList(), "url.full")).endsWith("/price"),
          Duration.ofSeconds(10));
      Span jdbc = receiver.awaitSpan(s -> s.getKind() == Span.SpanKind.SPAN_KIND_CLIENT
          && "h2".equals(dbSystem(s)) && s.getName().startsWith("SELECT"), Duration.ofSeconds(10));
      assertThat(message.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_CONSUMER);
      assertThat(Map.of("messaging.system", "websocket", "messaging.operation.type", "process",
          "messaging.destination.name", "/orders", "network.protocol.name", "websocket", "network.io.direction",
          "receive", "websocket.message.type", "text")).as("semantic-convention names beside stallwatch's")
          .allSatisfy((key, value) -> assertThat(OtlpReceiver.attribute(message.getAttributesList(), key))
              .as(key).isEqualTo(value));
      assertThat(block.getParentSpanId()).as("the block span is a child of the message span")
          .isEqualTo(message.getSpanId());
      Map<ByteString, Span> byId = new HashMap<>();
      receiver.spans().forEach(s -> byId.put(s.getSpanId(), s));
      for (Span child : List.of(http, jdbc)) {
        assertThat(child.getTraceId()).as(child.getName() + " is in the message's trace")
            .isEqualTo(message.getTraceId());
        assertThat(ancestors(child, byId)).as(child.getName() + " descends from the block span")
            .contains(block.getSpanId());
      }

      // The session's open span is a child of the OpenTelemetry agent's span of the upgrade request (Tomcat calls
      // onOpen after that span ended), carries the negotiated sub-protocol, and the message span links to it.
      Span open = receiver.awaitSpan(s -> s.getName().equals("websocket open /orders"), Duration.ofSeconds(10));
      Span upgrade = receiver.awaitSpan(s -> s.getKind() == Span.SpanKind.SPAN_KIND_SERVER
          && "/orders".equals(OtlpReceiver.attribute(s.getAttributesList(), "url.path")), Duration.ofSeconds(10));
      assertThat(open.getTraceId()).as("the open span is in the upgrade request's trace")
          .isEqualTo(upgrade.getTraceId());
      assertThat(open.getParentSpanId()).as("the open span's parent is the upgrade request's server span")
          .isEqualTo(upgrade.getSpanId());
      assertThat(OtlpReceiver.attribute(open.getAttributesList(), "websocket.subprotocol"))
          .isEqualTo(PricingServer.SUBPROTOCOL);
      assertThat(message.getLinksList()).as("the message span links to its session's open span")
          .anySatisfy(link -> {
            assertThat(link.getSpanId()).isEqualTo(open.getSpanId());
            assertThat(link.getTraceId()).isEqualTo(open.getTraceId());
          });
      assertThat(receiver.awaitCounter("websocket.sessions.opened", "websocket.subprotocol",
          PricingServer.SUBPROTOCOL, Duration.ofSeconds(10))).isEqualTo(1);

      LogRecord detection = receiver.awaitLogRecord(r -> "lock_wait".equals(
          OtlpReceiver.attribute(r.getAttributesList(), "stallwatch.detection.kind")), Duration.ofSeconds(10));
      assertThat(detection.getBody().getStringValue()).isNotBlank();
      assertThat(receiver.awaitCounter("websocket.messages.received", "websocket.endpoint", "/orders",
          Duration.ofSeconds(10))).isEqualTo(1);
      assertThat(receiver.resources()).as("one resource for every signal, the OpenTelemetry agent's")
          .isNotEmpty().allSatisfy(r -> assertThat(r).isEqualTo(receiver.resources().get(0)))
          .allSatisfy(r -> assertThat(OtlpReceiver.attribute(r.getAttributesList(), "service.name"))
              .isEqualTo("pricing"))
          .allSatisfy(r -> assertThat(OtlpReceiver.attribute(r.getAttributesList(), "telemetry.distro.name"))
              .isEqualTo("opentelemetry-java-instrumentation"));
    }
  }

  /** The other order: stallwatch's premain runs first and cannot join; it says which order is needed. */
  @Test
  void theOpenTelemetryAgentAfterStallwatchIsNamedInOneLine() throws Exception {
    RunningJvm.Result result = ForkedJvm.run(Jdk.current(), HelloWorld.class)
        .jvmOption("-javaagent:" + ForkedJvm.openTelemetryAgentJar())
        .runToEnd(Duration.ofSeconds(60));
    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(result.stdout()).contains("hello world");
    assertThat(result.agentLines()).containsExactly("[stallwatch] " + LateOpenTelemetryAgent.MESSAGE);
  }

  private static String dbSystem(Span span) {
    String stable = OtlpReceiver.attribute(span.getAttributesList(), "db.system.name");
    return stable != null ? stable : OtlpReceiver.attribute(span.getAttributesList(), "db.system");
  }

  /** The span ids above {@code span}, nearest first, as far as the receiver has them. */
  private static List<ByteString> ancestors(Span span, Map<ByteString, Span> byId) {
    List<ByteString> out = new ArrayList<>();
    Span current = span;
    while (!current.getParentSpanId().isEmpty() && out.size() < 20) {
      out.add(current.getParentSpanId());
      current = byId.get(current.getParentSpanId());
      if (current == null) {
        break;
      }
    }
    return out;
  }
}
