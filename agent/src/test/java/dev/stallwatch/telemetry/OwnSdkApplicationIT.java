package dev.stallwatch.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stallwatch.testapps.websocket.OwnSdkWebSocketApp;
import dev.stallwatch.testing.ForkedJvm;
import dev.stallwatch.testing.Jdk;
import dev.stallwatch.testing.OtlpReceiver;
import dev.stallwatch.testing.RunningJvm;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An application with the OpenTelemetry API and its own SDK (1.40, exporting over OTLP), no OpenTelemetry agent, under
 * stallwatch, both exporting to one OTLP receiver: the application registers its global OpenTelemetry and its spans
 * (nested ones included) arrive with its own resource, untouched; stallwatch's WebSocket spans arrive with
 * stallwatch's. Nothing joins, as the README says: the application's span inside the handler is in a trace of its
 * own, not under stallwatch's message span.
 */
class OwnSdkApplicationIT {
  static List<Jdk> jdks() {
    return Jdk.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void theApplicationsOwnSdkKeepsWorkingAndNothingJoins(Jdk jdk) throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      ForkedJvm app = ForkedJvm.run(jdk, OwnSdkWebSocketApp.class, receiver.endpoint())
          .classpathFrom("stallwatch.test.server.tomcat")
          .exportTo(receiver)
          .property("otel.service.name", "stallwatch-side");
      appLibraries().forEach(app::classpath);

      RunningJvm.Result result = app.runToEnd(Duration.ofSeconds(90));

      assertThat(result.exitCode()).as(result.stderr()).isZero();
      assertThat(result.stdout()).contains("reply hello ada").contains("done")
          .contains("app sdk from file:").contains("app-libs/opentelemetry-sdk-1.40.0.jar");
      assertThat(result.agentLines()).as("stallwatch says nothing about the application's SDK").isEmpty();

      Span startup = receiver.awaitSpan(s -> s.getName().equals("app-startup"), Duration.ofSeconds(20));
      Span config = receiver.awaitSpan(s -> s.getName().equals("app-config"), Duration.ofSeconds(5));
      Span greet = receiver.awaitSpan(s -> s.getName().equals("app-greet"), Duration.ofSeconds(10));
      Span message = receiver.awaitSpan(s -> s.getName().equals("websocket message /greet"), Duration.ofSeconds(20));
      assertThat(config.getParentSpanId()).as("the application's own context nests its spans")
          .isEqualTo(startup.getSpanId());
      for (Span own : List.of(startup, config, greet)) {
        assertThat(receiver.serviceOf(own)).as(own.getName() + "'s resource").isEqualTo("own-app");
      }
      assertThat(receiver.serviceOf(message)).as("stallwatch's resource").isEqualTo("stallwatch-side");
      assertThat(greet.getTraceId()).as("the application's span in the handler is not in stallwatch's trace")
          .isNotEqualTo(message.getTraceId());
      assertThat(greet.getParentSpanId().isEmpty()).as("nor a child of anything").isTrue();
    }
  }

  private static Stream<Path> appLibraries() throws IOException {
    Path dir = Paths.get(System.getProperty("stallwatch.test.appLibs"));
    return Files.list(dir).filter(p -> p.toString().endsWith(".jar") && !p.getFileName().toString()
        .startsWith("byte-buddy")).sorted();
  }
}
