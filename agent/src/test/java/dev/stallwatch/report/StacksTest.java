package dev.stallwatch.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class StacksTest {
  @Test
  void keyFrameIsTheInnermostApplicationFrame() {
    List<String> stack = List.of(
        "java.base/jdk.internal.misc.Unsafe.park(Native Method)",
        "java.base/java.util.concurrent.locks.LockSupport.park(LockSupport.java:211)",
        "com.acme.Metrics.summary(Metrics.java:42)",
        "com.acme.Handler.onMessage(Handler.java:10)");

    assertThat(Stacks.keyFrame(stack)).isEqualTo("com.acme.Metrics.summary(Metrics.java:42)");
  }

  @Test
  void keyFrameSkipsJavaxApiFramesToo() {
    List<String> stack = List.of(
        "javax.servlet.http.HttpServlet.service(HttpServlet.java:764)",
        "com.acme.Servlet.service(Servlet.java:12)");

    assertThat(Stacks.keyFrame(stack)).isEqualTo("com.acme.Servlet.service(Servlet.java:12)");
  }

  @Test
  void keyFrameFallsBackToTheInnermostFrame() {
    assertThat(Stacks.keyFrame(List.of("java.base/java.lang.Thread.run(Thread.java:840)")))
        .isEqualTo("java.base/java.lang.Thread.run(Thread.java:840)");
    assertThat(Stacks.keyFrame(List.of())).isNull();
  }
}
