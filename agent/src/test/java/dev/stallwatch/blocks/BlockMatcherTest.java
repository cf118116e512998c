package dev.stallwatch.blocks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stallwatch.config.BlockPattern;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class BlockMatcherTest {
  private final BlockPattern rewriter = BlockPattern.parse("com.acme.*Rewriter#rewrite*=10s");
  private final BlockPattern pipeline = BlockPattern.parse("Pipeline#processBlock");
  private final BlockPattern anyPipelineMethod = BlockPattern.parse("Pipeline#*");
  private final BlockMatcher matcher = new BlockMatcher(List.of(rewriter, pipeline, anyPipelineMethod));

  @Test
  void classMatchesThroughAnySupertype() {
    assertThat(matcher.patternsForHierarchy(List.of("com.acme.Fast", "com.acme.AbstractRewriter", "java.lang.Object")))
        .containsExactly(rewriter);
    assertThat(matcher.patternsForHierarchy(List.of("org.other.Impl", "com.acme.api.Pipeline", "java.lang.Object")))
        .containsExactly(pipeline, anyPipelineMethod);
    assertThat(matcher.patternsForHierarchy(List.of("com.acme.PipelineFactory", "java.lang.Object"))).isEmpty();
  }

  @Test
  void firstPatternInConfiguredOrderDecidesTheMethod() {
    List<BlockPattern> both = List.of(pipeline, anyPipelineMethod);
    assertThat(BlockMatcher.patternForMethod(both, "processBlock")).isSameAs(pipeline);
    assertThat(BlockMatcher.patternForMethod(both, "flush")).isSameAs(anyPipelineMethod);
    assertThat(BlockMatcher.patternForMethod(List.of(rewriter), "rewriteAll")).isSameAs(rewriter);
    assertThat(BlockMatcher.patternForMethod(List.of(rewriter), "read")).isNull();
  }

  @Test
  void jdkAndAgentClassesAreExcludedButApplicationClassesInOurNamespaceAreNot() {
    assertThat(BlockMatcher.excludedByName("java.util.ArrayList")).isTrue();
    assertThat(BlockMatcher.excludedByName("jdk.internal.misc.Unsafe")).isTrue();
    assertThat(BlockMatcher.excludedByName("sun.nio.ch.Net")).isTrue();
    assertThat(BlockMatcher.excludedByName("dev.stallwatch.shaded.io.opentelemetry.sdk.Foo")).isTrue();
    assertThat(BlockMatcher.excludedByName("dev.stallwatch.StallwatchAgent")).isTrue();
    assertThat(BlockMatcher.excludedByName("com.acme.Pipeline")).isFalse();
    assertThat(BlockMatcher.excludedByName("javafx.Foo")).isFalse();
  }

  @Test
  void sitesAreNumberedOncePerClassAndMethodNameWithTheirThreshold() {
    BlockSites sites = new BlockSites(Duration.ofSeconds(30));
    int a = sites.idFor("com.acme.TextRewriter", "rewrite", rewriter);
    int b = sites.idFor("com.acme.Pipeline", "processBlock", pipeline);
    assertThat(sites.idFor("com.acme.TextRewriter", "rewrite", rewriter)).as("overloads share a site").isEqualTo(a);
    assertThat(b).isNotEqualTo(a);

    BlockSite site = sites.get(a);
    assertThat(site.spanName).isEqualTo("TextRewriter.rewrite");
    assertThat(site.qualifiedName).isEqualTo("com.acme.TextRewriter.rewrite");
    assertThat(site.thresholdNanos).isEqualTo(Duration.ofSeconds(10).toNanos());
    assertThat(sites.get(b).thresholdNanos).as("the default").isEqualTo(Duration.ofSeconds(30).toNanos());
    assertThat(sites.get(-1)).isNull();
    assertThat(sites.get(99)).isNull();
  }

  @Test
  void hintNamesOnlyPatternsThatInstrumentedNothing() {
    BlockSites sites = new BlockSites(Duration.ofSeconds(30));
    sites.idFor("com.acme.Pipeline", "processBlock", pipeline);
    List<String> hints = NoMatchHint.hints(List.of(rewriter, pipeline), sites, 10_000);
    assertThat(hints).singleElement().asString()
        .contains("'com.acme.*Rewriter#rewrite*=10s'").contains("a typo is the usual cause").contains("10 s");
  }
}
