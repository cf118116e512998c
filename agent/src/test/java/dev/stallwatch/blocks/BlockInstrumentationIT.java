package dev.stallwatch.blocks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stallwatch.testapps.BlockHint;
import dev.stallwatch.testapps.BlockLateAttach;
import dev.stallwatch.testing.ForkedJvm;
import dev.stallwatch.testing.Jdk;
import dev.stallwatch.testing.RunningJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Which classes get instrumented, and the hint for patterns that match nothing. */
class BlockInstrumentationIT {
  static List<Jdk> jdks() {
    return Jdk.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void classLoadedAndRunBeforeTheAgentAttachesIsInstrumented(Jdk jdk) throws Exception {
    Path detections = Files.createTempFile("stallwatch-late-", ".jsonl");
    Files.delete(detections);
    RunningJvm.Result result = ForkedJvm.run(jdk, BlockLateAttach.class, ForkedJvm.agentJar().toString())
        .withoutAgent()
        .jvmOption("-Djdk.attach.allowAttachSelf=true")
        .property("stallwatch.blocks", "BlockLateAttach#processBlock=500ms")
        .property("stallwatch.detections.file", detections.toString())
        .runToEnd(Duration.ofSeconds(30));

    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(result.stdout()).contains("attached").contains("block ended");
    List<JsonNode> found = read(detections);
    assertThat(found).extracting(d -> d.get("kind").asText() + "/" + d.get("phase").asText())
        .containsExactly("runaway/running", "runaway/ended");
    assertThat(found.get(0).get("operation").asText()).isEqualTo("dev.stallwatch.testapps.BlockLateAttach.processBlock");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void misspeltPatternGetsOneHintAndAMatchingOneNone(Jdk jdk) throws Exception {
    try (RunningJvm app = ForkedJvm.run(jdk, BlockHint.class)
        .property("stallwatch.blocks", "BlockHint#processBlock,BlockHnit#processBlock,BlockHint#procesBlock")
        .start()) {
      app.awaitStdout("ready", Duration.ofSeconds(20));
      assertThat(app.stderr()).as("no hint before the delay").doesNotContain("typo");
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (!app.stderr().contains("BlockHint#procesBlock") && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      Thread.sleep(2_500);
      List<String> hints = app.stderr().lines().filter(l -> l.contains("a typo is the usual cause")).toList();
      assertThat(hints).as(app.describe()).hasSize(2);
      assertThat(hints.get(0)).startsWith("[stallwatch] ").contains("'BlockHnit#processBlock'");
      assertThat(hints.get(1)).contains("'BlockHint#procesBlock'");
      assertThat(app.stderr()).doesNotContain("'BlockHint#processBlock'");
      assertThat(app.detections()).isEmpty();
    }
  }

  private static List<JsonNode> read(Path file) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    if (Files.isRegularFile(file)) {
      ObjectMapper json = new ObjectMapper();
      for (String line : Files.readAllLines(file)) {
        if (!line.isBlank()) {
          out.add(json.readTree(line));
        }
      }
      Files.delete(file);
    }
    return out;
  }
}
