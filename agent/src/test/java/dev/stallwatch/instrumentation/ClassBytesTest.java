package dev.stallwatch.instrumentation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The byte search every class passes: one pass for several strings, found wherever they are, never past the end. */
class ClassBytesTest {
  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void eachStringIsFoundAtTheStartInTheMiddleAndAtTheEnd() {
    ClassBytes.Needles needles = new ClassBytes.Needles(List.of("java/util/concurrent/Semaphore",
        "java/util/concurrent/locks/Lock", "websocket/"));
    assertThat(needles.foundIn(bytes("java/util/concurrent/Semaphore..."))).isTrue();
    assertThat(needles.foundIn(bytes("..Ljava/util/concurrent/locks/LockSupport;.."))).isTrue();
    assertThat(needles.foundIn(bytes("jakarta/websocket/"))).isTrue();
  }

  @Test
  void aPrefixSharedByTwoStringsOrCutOffByTheEndIsNotAMatch() {
    ClassBytes.Needles needles = new ClassBytes.Needles(List.of("java/util/concurrent/Semaphore",
        "java/util/concurrent/locks/Lock"));
    assertThat(needles.foundIn(bytes("java/util/concurrent/ConcurrentHashMap java/util/concurrent/locks/Loc")))
        .isFalse();
    assertThat(needles.foundIn(new byte[0])).isFalse();
    ClassBytes.Needles spring = new ClassBytes.Needles(List.of("web/socket/"));
    assertThat(spring.foundIn(bytes("web/socke"))).isFalse();
    assertThat(spring.foundIn(bytes("org/springframework/web/socket/"))).isTrue();
  }

  @Test
  void anEmptyStringWouldMatchEveryClassAndIsRefused() {
    assertThatThrownBy(() -> new ClassBytes.Needles(List.of("a", ""))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ClassBytes.Needles(List.of())).isInstanceOf(IllegalArgumentException.class);
  }
}
