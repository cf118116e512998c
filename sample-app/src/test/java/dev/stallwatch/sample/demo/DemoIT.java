package dev.stallwatch.sample.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stallwatch.sample.RewriteServiceUnderAgent;
import dev.stallwatch.testing.ForkedJvm;
import dev.stallwatch.testing.Jdk;
import dev.stallwatch.testing.RunningJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The README's first command, less the build: the demo runs every scenario against the packaged service under the
 * packaged agent and ends with a summary in which every scenario is as expected.
 */
class DemoIT {
  @Test
  void everyScenarioEndsAsExpectedAndTheSummarySaysWhereEachBugIs() throws Exception {
    Path out = Files.createTempDirectory("stallwatch-demo-");
    RunningJvm.Result demo = ForkedJvm.run(Jdk.current(), Demo.class, ForkedJvm.agentJar().toString(),
            RewriteServiceUnderAgent.serviceJar().toString(), out.toString())
        .withoutAgent()
        .classpath(Path.of(Demo.class.getProtectionDomain().getCodeSource().getLocation().toURI()))
        .runToEnd(Duration.ofMinutes(5));
    String text = demo.stdout();
    assertThat(demo.exitCode()).as(text + demo.stderr()).isZero();
    assertThat(text).doesNotContain("NOT AS EXPECTED")
        .containsPattern("(?m)^  healthy +nothing detected +as expected$");
    for (Scenario scenario : Scenario.values()) {
      assertThat(text).containsPattern("(?m)^  " + scenario.label() + " .* as expected$");
    }
    // The frames of the service's code that explain each bug.
    assertThat(text).contains("at BlockRewriter.callProvider(", "RewriteMetrics.summary(", "result-cache-janitor",
        "BlockRewriter.rewriteBlock(", "at DocumentParser.parse(", "BillingStore.write(");
  }
}
