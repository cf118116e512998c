package dev.stallwatch.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StallwatchPlatformClassesTest {
  @Test
  void theJdksPackagesArePlatformInDottedAndInternalForm() {
    for (String name : new String[] {"java.util.concurrent.Semaphore", "jdk.internal.misc.Unsafe", "sun.nio.ch.Net",
        "com.sun.management.ThreadMXBean"}) {
      assertThat(StallwatchPlatformClasses.isPlatformClass(name)).as(name).isTrue();
      assertThat(StallwatchPlatformClasses.isPlatformInternalName(name.replace('.', '/'))).as(name).isTrue();
      assertThat(StallwatchPlatformClasses.isPlatformOrJavaxClass(name)).as(name).isTrue();
    }
  }

  @Test
  void applicationClassesAreNeverPlatformEvenWhenTheyLookClose() {
    for (String name : new String[] {"com.acme.Metrics", "javafx.Foo", "javaslang.Lazy", "sunrise.Clock",
        "com.sunny.Handler"}) {
      assertThat(StallwatchPlatformClasses.isPlatformClass(name)).as(name).isFalse();
      assertThat(StallwatchPlatformClasses.isPlatformInternalName(name.replace('.', '/'))).as(name).isFalse();
      assertThat(StallwatchPlatformClasses.isPlatformOrJavaxClass(name)).as(name).isFalse();
    }
  }

  @Test
  void javaxIsPlatformOnlyForTheRuleThatSaysSo() {
    assertThat(StallwatchPlatformClasses.isPlatformClass("javax.websocket.Endpoint")).isFalse();
    assertThat(StallwatchPlatformClasses.isPlatformInternalName("javax/websocket/Endpoint")).isFalse();
    assertThat(StallwatchPlatformClasses.isPlatformOrJavaxClass("javax.websocket.Endpoint")).isTrue();
    assertThat(StallwatchPlatformClasses.isPlatformOrJavaxClass("javax.management.MBeanServer")).isTrue();
  }
}
