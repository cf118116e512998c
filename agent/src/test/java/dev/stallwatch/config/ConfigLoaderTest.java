package dev.stallwatch.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {
  private final List<String> warnings = new ArrayList<>();

  private StallwatchConfig load(Map<String, String> properties, Map<String, String> environment) {
    Properties p = new Properties();
    p.putAll(properties);
    return ConfigLoader.load(p, environment, warnings::add);
  }

  @Test
  void nothingSetGivesTheDocumentedDefaults() {
    StallwatchConfig c = load(Map.of("java.version", "17"), Map.of("PATH", "/bin"));

    assertThat(c.detectionsFile()).isNull();
    assertThat(c.lockWaitThreshold()).isEqualTo(Duration.ofSeconds(1));
    assertThat(c.permitLeakThreshold()).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.runawayThreshold()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.deadlockInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(c.blocks()).isEmpty();
    for (Feature feature : Feature.values()) {
      assertThat(c.enabled(feature)).as(feature.switchKey().key()).isTrue();
    }
    assertThat(warnings).isEmpty();
  }

  @Test
  void eachFeatureIsSwitchedOffByItsOwnKeyAndABadValueKeepsItOnWithOneLine() {
    StallwatchConfig c = load(
        Map.of("stallwatch.monitors.enabled", "false", "stallwatch.websocket.enabled", "FALSE "),
        Map.of("STALLWATCH_PERMITS_ENABLED", "false", "STALLWATCH_LOCKS_ENABLED", "maybe"));

    assertThat(c.enabled(Feature.MONITORS)).isFalse();
    assertThat(c.enabled(Feature.WEBSOCKET)).isFalse();
    assertThat(c.enabled(Feature.PERMITS)).isFalse();
    assertThat(c.enabled(Feature.LOCKS)).isTrue();
    assertThat(c.enabled(Feature.DEADLOCKS)).isTrue();
    assertThat(c.enabled(Feature.BLOCKS)).isTrue();
    assertThat(warnings).containsExactly(
        "config: STALLWATCH_LOCKS_ENABLED=maybe is neither true nor false; using the default true");
  }

  @Test
  void environmentVariablesAreReadAndSystemPropertiesWin() {
    StallwatchConfig c = load(
        Map.of("stallwatch.lock.wait.threshold", "250ms"),
        Map.of("STALLWATCH_LOCK_WAIT_THRESHOLD", "5s", "STALLWATCH_RUNAWAY_THRESHOLD", "2m",
            "STALLWATCH_DETECTIONS_FILE", "/tmp/d.jsonl"));

    assertThat(c.lockWaitThreshold()).isEqualTo(Duration.ofMillis(250));
    assertThat(c.runawayThreshold()).isEqualTo(Duration.ofMinutes(2));
    assertThat(c.detectionsFile()).isEqualTo(Paths.get("/tmp/d.jsonl"));
    assertThat(warnings).isEmpty();
  }

  @Test
  void blocksKeepTheGoodEntriesAndNameTheBadOne() {
    StallwatchConfig c = load(Map.of("stallwatch.blocks", "com.acme.*Rewriter#rewrite*=10s, Pipeline ,Pipeline#processBlock,"),
        Map.of());

    assertThat(c.blocks()).extracting(BlockPattern::toString)
        .containsExactly("com.acme.*Rewriter#rewrite*=10s", "Pipeline#processBlock");
    assertThat(warnings).containsExactly("config: stallwatch.blocks entry 'Pipeline' is not ClassPattern#methodPattern;"
        + " that entry is ignored");
  }

  @Test
  void badDurationFallsBackToTheDefaultWithOneWarning() {
    StallwatchConfig c = load(Map.of("stallwatch.permit.leak.threshold", "forever"), Map.of());

    assertThat(c.permitLeakThreshold()).isEqualTo(Duration.ofSeconds(60));
    assertThat(warnings).containsExactly("config: stallwatch.permit.leak.threshold=forever is not a duration"
        + " (write 250ms, 2s, 1m, 1h or plain milliseconds); using the default 60s");
  }

  @Test
  void unknownKeysSuggestTheClosestKnownOne() {
    load(Map.of("stallwatch.runaway.treshold", "1s", "stallwatch.zzz", "1"), Map.of("STALLWATCH_BLOCK", "A#b"));

    assertThat(warnings).containsExactlyInAnyOrder(
        "config: unknown setting stallwatch.runaway.treshold=1s is ignored (did you mean stallwatch.runaway.threshold?)",
        "config: unknown setting stallwatch.zzz=1 is ignored",
        "config: unknown setting STALLWATCH_BLOCK=A#b is ignored (did you mean STALLWATCH_BLOCKS?)");
  }

  @Test
  void everyKeyHasItsEnvironmentName() {
    assertThat(ConfigKey.PERMIT_LEAK_THRESHOLD.environmentVariable()).isEqualTo("STALLWATCH_PERMIT_LEAK_THRESHOLD");
    assertThat(ConfigKey.DETECTIONS_FILE.environmentVariable()).isEqualTo("STALLWATCH_DETECTIONS_FILE");
  }
}
