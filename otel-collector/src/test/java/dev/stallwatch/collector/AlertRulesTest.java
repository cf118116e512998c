package dev.stallwatch.collector;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The alerting rules are valid for Prometheus and behave as alerts_test.yml says, checked by Prometheus's own
 * promtool (Debian's {@code prometheus} package). Without promtool these skip, saying so; with
 * {@code stallwatch.require.docker=true} (CI) they fail instead, so the rules cannot pass there untested.
 */
class AlertRulesTest {
  private static final Path PROMTOOL = Paths.get(System.getProperty("stallwatch.promtool", "/usr/bin/promtool"));

  @Test
  void promtoolAcceptsTheRules() throws Exception {
    assertThat(promtool("check", "rules", AlertRules.FILE.toString())).contains("SUCCESS");
  }

  @Test
  void theComposeStacksPrometheusLoadsTheRules() throws Exception {
    String output = promtool("check", "config", CollectorBuild.directory().resolve("prometheus.yml").toString());
    assertThat(output).contains("SUCCESS: 1 rule files found").contains("prometheus/alerts.yml");
  }

  @Test
  void everyRuleBehavesAsItsPromtoolTestsSay() throws Exception {
    assertThat(promtool("test", "rules", AlertRules.TESTS.toString())).contains("SUCCESS");
  }

  @Test
  void theEndToEndTestsCopyHasEveryForInSecondsAndIsValid(@TempDir Path directory) throws Exception {
    Path copy = AlertRules.copyWithShortFor(directory);
    String rules = Files.readString(copy);
    assertThat(rules).doesNotContainPattern("for: \\d+m").contains("for: 10s").contains("for: 100s");
    assertThat(rules.replaceAll("for: \\d+s", ""))
        .isEqualTo(Files.readString(AlertRules.FILE).replaceAll("for: \\d+m", ""));
    assertThat(promtool("check", "rules", copy.toString())).contains("SUCCESS");
  }

  @Test
  void everyAlertHasATestInWhichItFires() throws IOException {
    String tests = Files.readString(AlertRules.TESTS);
    assertThat(AlertRules.alertNames()).isNotEmpty().allSatisfy(alert -> assertThat(tests)
        .as("alerts_test.yml expects %s to fire somewhere", alert)
        .containsPattern("alertname: " + alert + "\\s+exp_alerts:\\s+- exp_labels"));
  }

  @Test
  void everyAlertHasATestInWhichItDoesNotFire() throws IOException {
    String tests = Files.readString(AlertRules.TESTS);
    assertThat(AlertRules.alertNames()).allSatisfy(alert -> assertThat(tests)
        .as("alerts_test.yml expects %s not to fire somewhere", alert)
        .containsPattern("alertname: " + alert + "\\s+exp_alerts: \\[\\]"));
  }

  /** Runs promtool in the rules' directory; its output, or a failure with it when it exits non-zero. */
  private static String promtool(String... arguments) throws IOException, InterruptedException {
    Docker.assumeTool(Files.isExecutable(PROMTOOL), PROMTOOL + " is missing (Debian: apt-get install prometheus)");
    String[] command = new String[arguments.length + 1];
    command[0] = PROMTOOL.toString();
    System.arraycopy(arguments, 0, command, 1, arguments.length);
    Process process = new ProcessBuilder(command).directory(AlertRules.FILE.getParent().toFile())
        .redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("promtool " + String.join(" ", arguments) + " took more than 60 s");
    }
    assertThat(process.exitValue()).as("promtool %s exit code; its output:%n%s", String.join(" ", arguments), output)
        .isZero();
    return output;
  }
}
