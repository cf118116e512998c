package dev.stallwatch.blocks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stallwatch.config.BlockPattern;
import dev.stallwatch.instrumentation.ClassBytes;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class MethodNameFilterTest {
  @Test
  void aClassDeclaringTheNamedMethodPassesAndOthersDoNot() throws IOException {
    ClassBytes.Needles literals = MethodNameFilter.literals(List.of(BlockPattern.parse("Whatever#rewriteBlock")));
    assertThat(literals.foundIn(classFile(Declares.class))).isTrue();
    assertThat(literals.foundIn(classFile(DeclaresNothing.class))).isFalse();
  }

  @Test
  void theLongestLiteralRunOfAWildcardPatternIsWhatIsLookedFor() throws IOException {
    ClassBytes.Needles literals = MethodNameFilter.literals(List.of(BlockPattern.parse("*#re*Block")));
    assertThat(literals.foundIn(classFile(Declares.class))).isTrue();
    // "DeclaresNothing" holds "re" but no "Block": the longer run is the one looked for.
    assertThat(literals.foundIn(classFile(DeclaresNothing.class))).isFalse();
  }

  @Test
  void anyPatternsLiteralLetsAClassThrough() throws IOException {
    ClassBytes.Needles literals = MethodNameFilter.literals(List.of(BlockPattern.parse("A#nothingLikeIt"),
        BlockPattern.parse("B#rewrite*")));
    assertThat(literals.foundIn(classFile(Declares.class))).isTrue();
  }

  @Test
  void aPatternWithoutALiteralTurnsTheFilterOff() {
    assertThat(MethodNameFilter.literals(List.of(BlockPattern.parse("A#run"), BlockPattern.parse("Pipeline#*"))))
        .isNull();
  }

  private static byte[] classFile(Class<?> type) throws IOException {
    try (InputStream in = type.getResourceAsStream("/" + type.getName().replace('.', '/') + ".class")) {
      return in.readAllBytes();
    }
  }

  static final class Declares {
    int rewriteBlock(int block) {
      return block + 1;
    }
  }

  static final class DeclaresNothing {
    int other(int block) {
      return block - 1;
    }
  }
}
