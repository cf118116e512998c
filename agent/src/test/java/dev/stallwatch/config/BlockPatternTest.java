package dev.stallwatch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BlockPatternTest {
  @Test
  void packagedPatternMatchesQualifiedNames() {
    BlockPattern p = BlockPattern.parse("com.acme.*Rewriter#rewrite*=10s");
    assertThat(p.matchesClass("com.acme.TextRewriter")).isTrue();
    assertThat(p.matchesClass("com.acme.sub.TextRewriter")).isTrue();
    assertThat(p.matchesClass("org.acme.TextRewriter")).isFalse();
    assertThat(p.matchesMethod("rewriteBlock")).isTrue();
    assertThat(p.matchesMethod("split")).isFalse();
    assertThat(p.runawayThreshold()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void simpleNamePatternMatchesAnyPackage() {
    BlockPattern p = BlockPattern.parse("Pipeline#processBlock");
    assertThat(p.matchesClass("com.acme.Pipeline")).isTrue();
    assertThat(p.matchesClass("Pipeline")).isTrue();
    assertThat(p.matchesClass("com.acme.PipelineFactory")).isFalse();
    assertThat(p.runawayThreshold()).isNull();
  }

  @Test
  void nestedClassesAreNamedWithDollar() {
    assertThat(BlockPattern.parse("Outer$Inner#run").matchesClass("com.acme.Outer$Inner")).isTrue();
    assertThat(BlockPattern.parse("Inner#run").matchesClass("com.acme.Outer$Inner")).as("or by their own name")
        .isTrue();
    assertThat(BlockPattern.parse("Inner#run").matchesClass("com.acme.Inner$Helper")).isFalse();
  }

  @Test
  void badEntriesSayWhatIsWrong() {
    assertThatThrownBy(() -> BlockPattern.parse("Pipeline")).hasMessageContaining("ClassPattern#methodPattern");
    assertThatThrownBy(() -> BlockPattern.parse("#run")).hasMessageContaining("class pattern");
    assertThatThrownBy(() -> BlockPattern.parse("A#")).hasMessageContaining("method pattern");
    assertThatThrownBy(() -> BlockPattern.parse("A#run=-1s")).hasMessageContaining("negative");
  }

  @Test
  void writesBackAsGiven() {
    assertThat(BlockPattern.parse(" com.acme.*#run = 1500ms ")).hasToString("com.acme.*#run=1500ms");
  }
}
