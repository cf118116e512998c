package dev.stallwatch.blocks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stallwatch.config.BlockPattern;
import dev.stallwatch.testing.MethodCalls;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.TimerTask;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Which methods the block transformer wraps, on real class files: the supertype rule at any depth (a JDK interface
 * two levels up included, since its supertypes are read from class files as the application's are), only methods
 * with code the source declares, and nothing in a class whose supertypes do not match.
 */
class BlockTransformerTest {
  interface Stage {
    int process(int block);
  }

  abstract static class AbstractStage implements Stage {}

  static final class DeepStage extends AbstractStage {
    @Override
    public int process(int block) {
      return block + 1;
    }

    int process(String block) {
      return block.length();
    }

    int other(int block) {
      return block;
    }
  }

  static final class UnrelatedStage {
    int process(int block) {
      return block;
    }
  }

  /** A generic interface: javac adds a bridge {@code apply(Object)} beside {@code apply(String)}. */
  static final class BridgedStage implements Function<String, Integer> {
    @Override
    public Integer apply(String block) {
      return block.length();
    }
  }

  static final class ScheduledStage extends TimerTask {
    @Override
    public void run() {}
  }

  @Test
  void aMethodIsWrappedWhereAnySupertypeMatchesAtAnyDepthInAllItsOverloads() throws Exception {
    assertThat(woven("Stage#process", DeepStage.class)).containsExactlyInAnyOrder("process(I)I",
        "process(Ljava/lang/String;)I");
  }

  @Test
  void aMethodOfTheSameNameWithoutTheSupertypeIsLeftAlone() throws Exception {
    assertThat(transform("Stage#process", UnrelatedStage.class)).isNull();
  }

  @Test
  void aJdkInterfaceTwoLevelsUpMatchesToo() throws Exception {
    assertThat(woven("Runnable#run", ScheduledStage.class)).containsExactly("run()V");
  }

  @Test
  void aBridgeMethodIsNotWrappedOnlyTheMethodTheSourceDeclares() throws Exception {
    assertThat(woven("Function#apply", BridgedStage.class))
        .containsExactly("apply(Ljava/lang/String;)Ljava/lang/Integer;");
  }

  private static byte[] transform(String pattern, Class<?> type) throws Exception {
    BlockTransformer transformer = new BlockTransformer(new BlockMatcher(List.of(BlockPattern.parse(pattern))),
        new BlockSites(Duration.ofSeconds(30)), null);
    return transformer.transform(null, BlockTransformerTest.class.getClassLoader(),
        type.getName().replace('.', '/'), null, null, classFile(type));
  }

  /** The methods of the transformed class that call the block hook. */
  private static List<String> woven(String pattern, Class<?> type) throws Exception {
    byte[] bytes = transform(pattern, type);
    assertThat(bytes).as("transformed").isNotNull();
    return MethodCalls.in(bytes).stream()
        .filter(call -> call.owner().endsWith("StallwatchOperations") && call.method().equals("begin"))
        .map(MethodCalls.Call::caller)
        .toList();
  }

  private static byte[] classFile(Class<?> type) throws Exception {
    try (InputStream in = type.getResourceAsStream("/" + type.getName().replace('.', '/') + ".class")) {
      return in.readAllBytes();
    }
  }
}
