package dev.stallwatch.blocks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stallwatch.config.BlockPattern;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class MethodNameFilterTest {
  @Test
  void aClassDeclaringTheNamedMethodPassesAndOthersDoNot() throws IOException {
    List<byte[]> literals = MethodNameFilter.literals(List.of(BlockPattern.parse("Whatever#rewriteBlock")));
    assertThat(MethodNameFilter.mayDeclare(classFile(Declares.class), literals)).isTrue();
    assertThat(MethodNameFilter.mayDeclare(classFile(DeclaresNothing.class), literals)).isFalse();
  }

  @Test
  void theLongestLiteralRunOfAWildcardPatternIsWhatIsLookedFor() throws IOException {
    List<byte[]> literals = MethodNameFilter.literals(List.of(BlockPattern.parse("*#re*Block")));
    assertThat(literals).singleElement().extracting(String::new).isEqualTo("Block");
    assertThat(MethodNameFilter.mayDeclare(classFile(Declares.class), literals)).isTrue();
  }

  @Test
  void anyPatternsLiteralLetsAClassThrough() throws IOException {
    List<byte[]> literals = MethodNameFilter.literals(List.of(BlockPattern.parse("A#nothingLikeIt"),
        BlockPattern.parse("B#rewrite*")));
    assertThat(MethodNameFilter.mayDeclare(classFile(Declares.class), literals)).isTrue();
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
