package dev.stallwatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stallwatch.testapps.HelloWorld;
import dev.stallwatch.testapps.OwnOpenTelemetryAndByteBuddy;
import dev.stallwatch.testing.ForkedJvm;
import dev.stallwatch.testing.Jdk;
import dev.stallwatch.testing.OtlpReceiver;
import dev.stallwatch.testing.RunningJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Attaching the agent leaves an application exactly as it was. */
class AgentAttachIT {
  static List<Jdk> jdks() {
    return Jdk.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void helloWorldRunsUnharmedAndSilent(Jdk jdk) throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      RunningJvm.Result result = ForkedJvm.run(jdk, HelloWorld.class).exportTo(receiver).runToEnd(Duration.ofSeconds(30));

      assertThat(result.exitCode()).isZero();
      assertThat(result.stdout()).isEqualTo("hello world" + System.lineSeparator());
      assertThat(result.stderr()).as("stderr under the agent").isEmpty();
      assertThat(result.detections()).isEmpty();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void applicationKeepsItsOwnOpenTelemetryAndByteBuddy(Jdk jdk) throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      ForkedJvm app = ForkedJvm.run(jdk, OwnOpenTelemetryAndByteBuddy.class).exportTo(receiver);
      appLibraries().forEach(app::classpath);

      RunningJvm.Result result = app.runToEnd(Duration.ofSeconds(30));

      assertThat(result.exitCode()).as(result.stderr()).isZero();
      assertThat(result.stderr()).isEmpty();
      assertThat(result.stdout())
          .contains("app spans: 1 app-work")
          .contains("made by the app's Byte Buddy")
          .contains("byte buddy from file:").contains("app-libs/byte-buddy-1.14.19.jar")
          .contains("opentelemetry sdk from file:").contains("app-libs/opentelemetry-sdk-1.40.0.jar");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void sameProgramWithoutAgentPrintsTheSame(Jdk jdk) throws Exception {
    RunningJvm.Result with = ForkedJvm.run(jdk, HelloWorld.class).runToEnd(Duration.ofSeconds(30));
    RunningJvm.Result without = ForkedJvm.run(jdk, HelloWorld.class).withoutAgent().runToEnd(Duration.ofSeconds(30));

    assertThat(with.stdout()).isEqualTo(without.stdout());
    assertThat(with.stderr()).isEqualTo(without.stderr());
    assertThat(with.exitCode()).isEqualTo(without.exitCode());
  }

  private static Stream<Path> appLibraries() throws IOException {
    Path dir = Paths.get(System.getProperty("stallwatch.test.appLibs"));
    return Files.list(dir).filter(p -> p.toString().endsWith(".jar")).sorted();
  }
}
