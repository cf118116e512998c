package dev.stallwatch.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stallwatch.testapps.websocket.JettyServer;
import dev.stallwatch.testapps.websocket.SpringServer;
import dev.stallwatch.testapps.websocket.TomcatServer;
import dev.stallwatch.testapps.websocket.TyrusServer;
import dev.stallwatch.testing.ForkedJvm;
import dev.stallwatch.testing.Jdk;
import dev.stallwatch.testing.OtlpReceiver;
import dev.stallwatch.testing.RunningJvm;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The block-rewrite service's endpoints on real servers — embedded Tomcat 11 and Jetty 12 (Jakarta, annotated and
 * programmatic endpoints), Tyrus 1 (javax), and Spring Boot 4 (Spring's handlers on its Tomcat) — with a real
 * client (the JDK's): spans per message and lifecycle callback over real OTLP, the close of a session whose handler
 * threw, the websocket_error detection, session and message metrics, and no payload anywhere.
 */
class WebSocketServersIT {
  private static final int MESSAGES = 5;
  private static final String TESTAPPS = "dev.stallwatch.testapps.websocket.";

  /**
   * A server program and what its telemetry must say.
   *
   * @param rewrite the rewrite endpoint's name in telemetry
   * @param echo the echo endpoint's name
   * @param rewriteHandler the rewrite handler method, qualified
   * @param blockClass the class holding {@code rewriteBlock}, as {@code stallwatch.blocks} and its span name it
   * @param closeCodeOnError the close code the client sees after the handler threw
   * @param closeReason the reason phrase then, or null
   * @param errorCallback whether the server hands the exception to the endpoint's error callback
   */
  record Server(String name, Class<?> main, String classpathProperty, String rewrite, String echo,
      String rewriteHandler, String blockClass, int closeCodeOnError, String closeReason, boolean errorCallback,
      String bare, String grand, String partial) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Arguments> serversAndJdks() {
    String jakarta = TESTAPPS + "JakartaEndpoints$";
    String javax = TESTAPPS + "JavaxEndpoints$";
    String spring = TESTAPPS + "SpringServer$";
    String jakartaLifecycle = TESTAPPS + "JakartaLifecycleEndpoints$";
    String javaxLifecycle = TESTAPPS + "JavaxLifecycleEndpoints$";
    List<Server> servers = List.of(
        new Server("Tomcat 11", TomcatServer.class, "stallwatch.test.server.tomcat", "/rewrite/{document}",
            jakarta + "EchoEndpoint", jakarta + "RewriteEndpoint.rewrite", "JakartaEndpoints$RewriteEndpoint",
            1011, "rewrite failed", true, "/bare", jakartaLifecycle + "GrandchildEndpoint",
            jakartaLifecycle + "PartialEndpoint"),
        // Jetty closes a session whose handler threw by itself, with 1003, before the endpoint's own close (1011).
        new Server("Jetty 12", JettyServer.class, "stallwatch.test.server.jetty", "/rewrite/{document}",
            jakarta + "EchoEndpoint", jakarta + "RewriteEndpoint.rewrite", "JakartaEndpoints$RewriteEndpoint",
            1003, "Endpoint notification error", true, "/bare", jakartaLifecycle + "GrandchildEndpoint",
            jakartaLifecycle + "PartialEndpoint"),
        new Server("Tyrus 1 (javax)", TyrusServer.class, "stallwatch.test.server.tyrus", "/rewrite/{document}",
            javax + "EchoEndpoint", javax + "RewriteEndpoint.rewrite", "JavaxEndpoints$RewriteEndpoint",
            1011, "rewrite failed", true, "/bare", javaxLifecycle + "GrandchildEndpoint",
            javaxLifecycle + "PartialEndpoint"),
        // Spring closes the session itself (1011) when a handler throws, and does not call handleTransportError.
        new Server("Spring Boot 4", SpringServer.class, "stallwatch.test.server.spring", spring + "RewriteHandler",
            spring + "EchoHandler", spring + "RewriteHandler.handleTextMessage", "SpringServer$RewriteHandler",
            1011, null, false, spring + "BareHandler", spring + "GrandchildHandler", spring + "LengthHandler"));
    return servers.stream().flatMap(server -> Jdk.all().stream().map(jdk -> Arguments.of(server, jdk)));
  }

  @ParameterizedTest(name = "{0} on {1}")
  @MethodSource("serversAndJdks")
  void messagesLifecycleErrorsAndSessionsArriveAsSpansMetricsAndDetections(Server server, Jdk jdk)
      throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      RunningJvm.Result result = ForkedJvm.run(jdk, server.main(), String.valueOf(MESSAGES))
          .classpathFrom(server.classpathProperty())
          .exportTo(receiver)
          .property("stallwatch.blocks", server.blockClass() + "#rewriteBlock")
          .runToEnd(Duration.ofSeconds(90));
      assertThat(result.exitCode()).as(result.stderr()).isZero();
      assertThat(result.stdout()).contains("rewrite session closed by the server with " + server.closeCodeOnError())
          .contains("echo session closed with 1000").contains("done");
      // The blocks feature's hint about a pattern that matched nothing is printed after 10 s even though the pattern
      // did match (its block spans are asserted below): a bug of blocks/, reported, not this test's subject.
      // The agent's health lines (a watchdog run late on a starved CPU) are not this test's subject either.
      assertThat(result.agentLines().stream().filter(line -> !line.startsWith("[stallwatch] blocks: pattern")
          && !line.startsWith("[stallwatch] health:")))
          .as("nothing from the agent on stderr but the detections")
          .isNotEmpty().allSatisfy(line -> assertThat(line).startsWith("[stallwatch] websocket_error:"));

      // A message span per message handled, and only one: MESSAGES good ones and the corrupt one, MESSAGES echoes.
      receiver.awaitSpan(s -> s.getName().equals("websocket close " + server.echo()), Duration.ofSeconds(10));
      List<Span> rewrites = spans(receiver, "websocket message " + server.rewrite());
      assertThat(rewrites).hasSize(MESSAGES + 1).allSatisfy(s -> {
        assertThat(s.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_CONSUMER);
        assertThat(attribute(s, "websocket.endpoint")).isEqualTo(server.rewrite());
        assertThat(attribute(s, "websocket.event")).isEqualTo("message");
        assertThat(attribute(s, "websocket.message.type")).isEqualTo("text");
        assertThat(attribute(s, "code.function.name")).isEqualTo(server.rewriteHandler());
      });
      assertThat(rewrites).filteredOn(s -> "22".equals(longAttribute(s, "websocket.message.size")))
          .as("\"block 0 PAYLOAD-SECRET\" is 22 bytes").hasSize(MESSAGES);
      assertThat(spans(receiver, "websocket message " + server.echo())).hasSize(MESSAGES);
      assertThat(receiver.spans()).filteredOn(s -> s.getName().equals("websocket message " + server.rewrite())
          || s.getName().equals("websocket message " + server.echo()))
          .as("no second span for the same message from another layer").hasSize(2 * MESSAGES + 1);

      Span failed = rewrites.stream().filter(s -> s.getStatus().getCode() == Status.StatusCode.STATUS_CODE_ERROR)
          .findFirst().orElseThrow();
      assertThat(attribute(failed, "error.type")).isEqualTo("java.lang.IllegalStateException");
      assertThat(failed.getEventsList()).anySatisfy(e -> assertThat(e.getName()).isEqualTo("exception"));
      assertThat(failed.getEventsList()).as("the detection is on the span of the handler that threw")
          .anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("stallwatch.detection");
            assertThat(e.getAttributesList()).anySatisfy(a -> {
              assertThat(a.getKey()).isEqualTo("stallwatch.detection.kind");
              assertThat(a.getValue().getStringValue()).isEqualTo("websocket_error");
            });
          });

      Span block = receiver.awaitSpan(s -> s.getName().equals(server.blockClass() + ".rewriteBlock"),
          Duration.ofSeconds(5));
      assertThat(rewrites).as("block spans are children of the message span that called them")
          .anySatisfy(s -> assertThat(s.getSpanId()).isEqualTo(block.getParentSpanId()));

      Span closedWithError = receiver.awaitSpan(s -> s.getName().equals("websocket close " + server.rewrite()),
          Duration.ofSeconds(5));
      assertThat(longAttribute(closedWithError, "websocket.close.code"))
          .isEqualTo(String.valueOf(server.closeCodeOnError()));
      assertThat(attribute(closedWithError, "websocket.close.reason")).isEqualTo(server.closeReason());
      assertThat(closedWithError.getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
      Span closedNormally = receiver.awaitSpan(s -> s.getName().equals("websocket close " + server.echo()),
          Duration.ofSeconds(5));
      assertThat(longAttribute(closedNormally, "websocket.close.code")).isEqualTo("1000");
      assertThat(closedNormally.getStatus().getCode()).isNotEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
      assertThat(spans(receiver, "websocket open " + server.rewrite())).hasSize(1);
      assertThat(spans(receiver, "websocket error " + server.rewrite())).hasSize(server.errorCallback() ? 1 : 0);

      List<JsonNode> errors = websocketErrors(result).stream()
          .filter(d -> d.path("endpoint").asText().equals(server.rewrite())).toList();
      assertThat(errors).as("reported once per endpoint and exception type").hasSize(1);
      assertThat(errors.get(0).path("message").asText()).as("says what became of the session")
          .contains("the session was then closed with " + server.closeCodeOnError());
      assertThat(errors.get(0).path("endpoint").asText()).isEqualTo(server.rewrite());
      assertThat(errors.get(0).path("exception").asText()).isEqualTo("java.lang.IllegalStateException");
      assertThat(errors.get(0).path("stack").get(0).asText()).startsWith(server.rewriteHandler() + "(");

      assertThat(receiver.awaitCounter("websocket.handler.errors", "websocket.endpoint", server.rewrite(),
          Duration.ofSeconds(5))).isGreaterThanOrEqualTo(1);
      assertThat(receiver.awaitCounter("websocket.messages.received", "websocket.endpoint", server.echo(),
          Duration.ofSeconds(5))).isEqualTo(MESSAGES);
      assertThat(receiver.awaitCounter("websocket.messages.sent", "websocket.endpoint", server.echo(),
          Duration.ofSeconds(5))).as("echoes sent from the handler").isEqualTo(MESSAGES);
      assertThat(receiver.awaitCounter("websocket.messages.sent", "websocket.endpoint", server.rewrite(),
          Duration.ofSeconds(5))).as("replies: an @OnMessage return value, or Spring's sendMessage")
          .isEqualTo(MESSAGES);
      assertThat(receiver.awaitCounter("websocket.sessions.opened", "websocket.endpoint", server.rewrite(),
          Duration.ofSeconds(5))).isEqualTo(1);
      assertThat(closed(receiver, server.rewrite(), server.closeCodeOnError())).isEqualTo(1);
      assertThat(receiver.lastUpDownValue("websocket.sessions.active", "websocket.endpoint", server.rewrite()))
          .as("sessions go back to zero").contains(0L);
      assertThat(receiver.lastUpDownValue("websocket.sessions.active", "websocket.endpoint", server.echo()))
          .contains(0L);
      assertThat(receiver.metrics("websocket.sessions.active").stream()
          .flatMap(m -> m.getSum().getDataPointsList().stream()).mapToLong(p -> p.getAsInt()).max())
          .as("and were up while open").hasValue(1L);

      sessionsSeenFromTheContainersSide(server, result, receiver);

      assertThat(receiver.everythingReceived()).as("no payload text in any telemetry")
          .doesNotContain("PAYLOAD-SECRET").doesNotContain("corrupt block");
    }
  }

  /**
   * Endpoints that declare no lifecycle callbacks: every session counted and back to zero, the real close codes
   * (4000 "bye"; 1006 for a dropped connection, which is no detection), one detection for the handler that threw
   * saying what became of its session, a grandchild and a lambda handler traced, a writer's send counted, and one
   * span for a message that arrived in 13 frames.
   */
  private static void sessionsSeenFromTheContainersSide(Server server, RunningJvm.Result result,
      OtlpReceiver receiver) throws InterruptedException {
    String bare = server.bare();
    assertThat(result.stdout()).contains("bare session closed with 4000").contains("bare session dropped")
        .contains("partial reply: received " + 100_000);
    receiver.awaitSpan(s -> s.getName().equals("websocket close " + server.partial()), Duration.ofSeconds(10));
    assertThat(receiver.awaitCounter("websocket.sessions.opened", "websocket.endpoint", bare,
        Duration.ofSeconds(5))).isEqualTo(3);
    for (String endpoint : List.of(bare, server.grand(), server.partial())) {
      assertThat(receiver.lastUpDownValue("websocket.sessions.active", "websocket.endpoint", endpoint))
          .as("sessions of %s back to zero", endpoint).contains(0L);
    }
    List<Span> closes = spans(receiver, "websocket close " + bare);
    assertThat(closes).as("one close span per session").hasSize(3);
    assertThat(closes).anySatisfy(s -> {
      assertThat(longAttribute(s, "websocket.close.code")).isEqualTo("4000");
      assertThat(attribute(s, "websocket.close.reason")).isEqualTo("bye");
    });
    assertThat(closes).as("the dropped connection").anySatisfy(s -> {
      assertThat(longAttribute(s, "websocket.close.code")).isEqualTo("1006");
      assertThat(s.getStatus().getCode()).isNotEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
    });
    assertThat(closed(receiver, bare, 1006)).isEqualTo(1);
    assertThat(closed(receiver, server.grand(), 1000)).isEqualTo(1);

    List<JsonNode> bareErrors = websocketErrors(result).stream()
        .filter(d -> d.path("endpoint").asText().equals(bare)).toList();
    assertThat(bareErrors).as("the handler that threw, and not the dropped connection").singleElement()
        .satisfies(d -> {
          assertThat(d.path("exception").asText()).isEqualTo("java.lang.IllegalArgumentException");
          String message = d.path("message").asText();
          if (result.stdout().contains("after the throw the session stayed open")) {
            assertThat(message).contains("the session stayed open");
          } else {
            assertThat(message).contains("the session was then closed with "
                + result.stdout().replaceAll("(?s).*after the throw the server closed with (\\d+).*", "$1"));
          }
        });
    assertThat(websocketErrors(result)).as("no detection but the two handlers that threw").hasSize(2);

    List<Span> grand = spans(receiver, "websocket message " + server.grand());
    assertThat(grand).as("the grandchild handler's text and the lambda's binary message")
        .extracting(s -> attribute(s, "websocket.message.type")).containsExactlyInAnyOrder("text", "binary");
    assertThat(awaitCount(receiver, "websocket.messages.sent", server.grand(), 2))
        .as("a writer's send and a binary send").isEqualTo(2);

    List<Span> partial = spans(receiver, "websocket message " + server.partial());
    assertThat(partial).as("one span for a message in 13 frames").singleElement().satisfies(s ->
        assertThat(longAttribute(s, "websocket.message.size")).isEqualTo("100000"));
    assertThat(receiver.awaitCounter("websocket.messages.received", "websocket.endpoint", server.partial(),
        Duration.ofSeconds(5))).isEqualTo(1);
  }

  /**
   * The counter's total for {@code endpoint} over its message types once it reached {@code expected} (or what it was
   * after 5 s).
   */
  private static long awaitCount(OtlpReceiver receiver, String metric, String endpoint, long expected)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    long value;
    do {
      value = receiver.metrics(metric).stream().flatMap(m -> m.getSum().getDataPointsList().stream())
          .filter(p -> endpoint.equals(OtlpReceiver.attribute(p.getAttributesList(), "websocket.endpoint")))
          .collect(java.util.stream.Collectors.toMap(
              p -> String.valueOf(OtlpReceiver.attribute(p.getAttributesList(), "websocket.message.type")),
              p -> p.getAsInt(), Math::max))
          .values().stream().mapToLong(Long::longValue).sum();
      if (value >= expected) {
        return value;
      }
      Thread.sleep(50);
    } while (System.nanoTime() < deadline);
    return value;
  }

  /** The largest count of sessions of {@code endpoint} closed with {@code code}. */
  private static long closed(OtlpReceiver receiver, String endpoint, int code) {
    return receiver.metrics("websocket.sessions.closed").stream()
        .flatMap(m -> m.getSum().getDataPointsList().stream())
        .filter(p -> endpoint.equals(OtlpReceiver.attribute(p.getAttributesList(), "websocket.endpoint")))
        .filter(p -> p.getAttributesList().stream().anyMatch(a -> a.getKey().equals("websocket.close.code")
            && a.getValue().getIntValue() == code))
        .mapToLong(p -> p.getAsInt()).max().orElse(0);
  }

  private static List<JsonNode> websocketErrors(RunningJvm.Result result) {
    return result.detections().stream().filter(d -> d.path("kind").asText().equals("websocket_error")).toList();
  }

  private static List<Span> spans(OtlpReceiver receiver, String name) {
    return receiver.spans().stream().filter(s -> s.getName().equals(name)).toList();
  }

  private static String attribute(Span span, String key) {
    return OtlpReceiver.attribute(span.getAttributesList(), key);
  }

  private static String longAttribute(Span span, String key) {
    return span.getAttributesList().stream().filter(a -> a.getKey().equals(key))
        .map(a -> String.valueOf(a.getValue().getIntValue())).findFirst().orElse(null);
  }
}
