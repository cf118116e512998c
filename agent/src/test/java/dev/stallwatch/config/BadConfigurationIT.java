package dev.stallwatch.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stallwatch.testapps.HelloWorld;
import dev.stallwatch.testing.ForkedJvm;
import dev.stallwatch.testing.Jdk;
import dev.stallwatch.testing.RunningJvm;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every bad setting gives exactly one {@code [stallwatch]} line naming the setting, its value and what is used
 * instead, and the application still starts and runs as it would without the agent.
 */
class BadConfigurationIT {

  @ParameterizedTest(name = "{0}{1}={2}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
      -D  | stallwatch.lock.wait.threshold   | abc                         | is not a duration            | using the default 1s
      -D  | stallwatch.lock.wait.threshold   | -5s                         | is negative                  | using the default 1s
      -D  | stallwatch.lock.wait.threshold   | 0                           | is shorter than 1ms          | using the default 1s
      -D  | stallwatch.permit.leak.threshold | 10x                         | is not a duration            | using the default 60s
      -D  | stallwatch.permit.leak.threshold | ""                          | is not a duration            | using the default 60s
      -D  | stallwatch.runaway.threshold     | 1.5.5s                      | is not a duration            | using the default 30s
      -D  | stallwatch.runaway.threshold     | 1 week                      | is not a duration            | using the default 30s
      -D  | stallwatch.deadlock.interval     | -1                          | is negative                  | using the default 1s
      -D  | stallwatch.deadlock.interval     | 99999h                      | is longer than a year        | using the default 1s
      -D  | stallwatch.lock.wait.treshold    | 2s                          | unknown setting              | did you mean stallwatch.lock.wait.threshold?
      -D  | stallwatch.colour                | red                         | unknown setting              | is ignored
      ENV | STALLWATCH_RUNAWAY_THRESHOLD     | soon                        | is not a duration            | using the default 30s
      ENV | STALLWATCH_BLOCKZ                | Pipeline#run                | unknown setting              | did you mean STALLWATCH_BLOCKS?
      ENV | STALLWATCH_DEADLOCK_INTERVAL     | 0.0001                      | is shorter than 1ms          | using the default 1s
      -D  | stallwatch.blocks                | Pipeline                    | is not ClassPattern#methodPattern | that entry is ignored
      -D  | stallwatch.blocks                | com.acme.Rewriter#rewrite=fast | has a duration 'fast'     | that entry is ignored
      -D  | stallwatch.blocks                | com..acme.Rewriter#rewrite  | invalid class pattern        | that entry is ignored
      -D  | stallwatch.blocks                | Rewriter#re-write           | invalid method pattern       | that entry is ignored
      -D  | stallwatch.blocks                | A#b#c                       | is not ClassPattern#methodPattern | that entry is ignored
      -D  | stallwatch.detections.file       | ""                          | is empty                     | detections are not written to a file
      -D  | stallwatch.detections.file       | /proc/no-such-dir/d.jsonl   | cannot be written            | detections are not written to a file
      ARG | (agent argument)                 | lock.wait.threshold=2s      | is not a stallwatch.* or otel.* setting | it is ignored
      ARG | (agent argument)                 | stallwatch.runaway.threshold=soon | is not a duration      | using the default 30s
      ARG | (agent argument)                 | stallwatch.colour=red       | unknown setting              | is ignored
      -D  | otel.traces.exporter             | carrier-pigeon              | could not start              | OpenTelemetry export is off
      """)
  void badSettingIsOneLineAndTheApplicationStarts(String how, String key, String value, String problem,
      String fallback) throws Exception {
    ForkedJvm app = ForkedJvm.run(Jdk.current(), HelloWorld.class);
    switch (how) {
      case "-D" -> app.property(key, value);
      case "ENV" -> app.env(key, value);
      default -> app.agentArguments(value);
    }

    RunningJvm.Result result = app.runToEnd(Duration.ofSeconds(30));

    assertThat(result.exitCode()).isZero();
    assertThat(result.stdout()).isEqualTo("hello world" + System.lineSeparator());
    assertThat(result.agentLines()).as("stderr: " + result.stderr()).hasSize(1);
    String line = result.agentLines().get(0);
    assertThat(line).contains(value).contains(problem).contains(fallback);
    if (!how.equals("ARG")) {
      assertThat(line).contains(key);
    }
    assertThat(result.stderr().lines()).as("nothing else on stderr").hasSize(1);
  }
}
