package dev.stallwatch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class AgentArgumentsTest {
  private final List<String> warnings = new ArrayList<>();

  private Map<String, String> parse(String arguments) {
    return AgentArguments.parse(arguments, warnings::add);
  }

  private StallwatchConfig load(String arguments, Map<String, String> properties, Map<String, String> environment) {
    Properties p = new Properties();
    p.putAll(properties);
    return ConfigLoader.load(parse(arguments), p, environment, warnings::add);
  }

  @Test
  void noArgumentsAtAllAreNoSettingsAndNoWarning() {
    assertThat(parse(null)).isEmpty();
    assertThat(parse("")).isEmpty();
    assertThat(parse("  ")).isEmpty();
    assertThat(parse(",")).isEmpty();
    assertThat(warnings).isEmpty();
  }

  @Test
  void settingsAreSeparatedByCommasAndATrailingOrDoubledCommaIsSkipped() {
    assertThat(parse("stallwatch.runaway.threshold=2s,,stallwatch.detections.file=/tmp/d.jsonl,"))
        .containsExactly(entry("stallwatch.runaway.threshold", "2s"),
            entry("stallwatch.detections.file", "/tmp/d.jsonl"));
    assertThat(warnings).isEmpty();
  }

  @Test
  void aValueIsEverythingAfterTheFirstEqualsSign() {
    assertThat(parse("otel.exporter.otlp.headers=api-key=abc==,stallwatch.runaway.threshold=2s"))
        .containsExactly(entry("otel.exporter.otlp.headers", "api-key=abc=="),
            entry("stallwatch.runaway.threshold", "2s"));
  }

  @Test
  void listValuesKeepTheirCommasUntilTheNextSettingName() {
    Map<String, String> settings = parse("stallwatch.blocks=com.acme.*Rewriter#rewrite*=10s,Pipeline#processBlock,"
        + "otel.resource.attributes=deployment.environment=prod,team=payments,otel.service.name=pricing");

    assertThat(settings).containsExactly(
        entry("stallwatch.blocks", "com.acme.*Rewriter#rewrite*=10s,Pipeline#processBlock"),
        entry("otel.resource.attributes", "deployment.environment=prod,team=payments"),
        entry("otel.service.name", "pricing"));
    assertThat(AgentArguments.openTelemetry(settings)).containsOnlyKeys("otel.resource.attributes",
        "otel.service.name");
    assertThat(warnings).isEmpty();
  }

  @Test
  void aBlockPatternInAPackageNamedOtelIsStillPartOfTheList() {
    assertThat(parse("stallwatch.blocks=A#run,otel.acme.Job#run=5s"))
        .containsExactly(entry("stallwatch.blocks", "A#run,otel.acme.Job#run=5s"));
  }

  @Test
  void aPieceBeforeAnySettingIsNamedAndIgnored() {
    assertThat(parse("verbose,stallwatch.runaway.threshold=2s"))
        .containsExactly(entry("stallwatch.runaway.threshold", "2s"));
    assertThat(warnings).containsExactly(
        "config: agent argument 'verbose' is not a stallwatch.* or otel.* setting (key=value); it is ignored");
  }

  @Test
  void aKeyWithoutItsValueAsJcmdLeavesAnUnquotedOptionSaysHowToQuoteIt() {
    assertThat(parse("stallwatch.detections.file")).isEmpty();
    assertThat(warnings).containsExactly("config: agent argument 'stallwatch.detections.file' is not a stallwatch.* "
        + "or otel.* setting (key=value); it is ignored (jcmd cuts an unquoted option at its first '=': give it in "
        + "double quotes, jcmd <pid> JVMTI.agent_load <jar> '\"key=value,...\"')");
  }

  @Test
  void aKeyGivenTwiceKeepsItsLastValue() {
    assertThat(parse("stallwatch.runaway.threshold=2s,stallwatch.runaway.threshold=3s"))
        .containsExactly(entry("stallwatch.runaway.threshold", "3s"));
  }

  @Test
  void argumentsWinOverSystemPropertiesWhichWinOverTheEnvironment() {
    StallwatchConfig c = load("stallwatch.runaway.threshold=2s",
        Map.of("stallwatch.runaway.threshold", "5s", "stallwatch.lock.wait.threshold", "250ms"),
        Map.of("STALLWATCH_RUNAWAY_THRESHOLD", "7s", "STALLWATCH_LOCK_WAIT_THRESHOLD", "9s",
            "STALLWATCH_DEADLOCK_INTERVAL", "3s"));

    assertThat(c.runawayThreshold()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.lockWaitThreshold()).isEqualTo(Duration.ofMillis(250));
    assertThat(c.deadlockInterval()).isEqualTo(Duration.ofSeconds(3));
    assertThat(warnings).isEmpty();
  }

  @Test
  void anUnknownKeyIsNamedWithItsValueAndTheClosestKnownOne() {
    StallwatchConfig c = load("stallwatch.runaway.treshold=2s", Map.of(), Map.of());

    assertThat(c.runawayThreshold()).isEqualTo(Duration.ofSeconds(30));
    assertThat(warnings).containsExactly("config: unknown setting stallwatch.runaway.treshold=2s is ignored "
        + "(did you mean stallwatch.runaway.threshold?)");
  }

  @Test
  void aBadValueIsNamedWithItsKeyAndTheDefaultIsUsed() {
    StallwatchConfig c = load("stallwatch.runaway.threshold=soon,stallwatch.detections.file=/tmp/d.jsonl",
        Map.of(), Map.of());

    assertThat(c.runawayThreshold()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.detectionsFile()).isEqualTo(Paths.get("/tmp/d.jsonl"));
    assertThat(warnings).hasSize(1);
    assertThat(warnings.get(0)).startsWith("config: stallwatch.runaway.threshold=soon ")
        .endsWith("; using the default 30s");
  }

  @Test
  void aStrayPieceAfterASettingBecomesPartOfItsValueAndSoIsNamedWithIt() {
    StallwatchConfig c = load("stallwatch.runaway.threshold=2s,verbose", Map.of(), Map.of());

    assertThat(c.runawayThreshold()).isEqualTo(Duration.ofSeconds(30));
    assertThat(warnings).hasSize(1);
    assertThat(warnings.get(0)).startsWith("config: stallwatch.runaway.threshold=2s,verbose ");
  }

  @Test
  void blockPatternsFromArgumentsAreParsedAsFromSystemProperties() {
    StallwatchConfig c = load("stallwatch.blocks=Pipeline#processBlock=500ms,Other#run,stallwatch.blocks.enabled=true",
        Map.of(), Map.of());

    assertThat(c.blocks()).hasSize(2);
    assertThat(c.enabled(Feature.BLOCKS)).isTrue();
    assertThat(warnings).isEmpty();
  }
}
