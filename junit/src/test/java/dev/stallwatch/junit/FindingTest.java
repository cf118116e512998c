package dev.stallwatch.junit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class FindingTest {
  @Test
  void aDeadlockFailsWithItsSentenceAndEveryThreadsFrames() {
    Finding deadlock = Finding.parse("{\"kind\":\"deadlock\",\"time\":\"2026-12-02T00:00:00Z\",\"thread\":\"a\","
        + "\"message\":\"Deadlock: thread \\\"a\\\" waits for Object@1 held by \\\"b\\\", which waits for Object@2 "
        + "held by \\\"a\\\"; none of them can go on.\",\"stack\":[\"x.A.run(A.java:3)\"],\"threads\":["
        + "{\"name\":\"a\",\"id\":31,\"state\":\"BLOCKED\",\"stack\":[\"x.A.run(A.java:3)\"]},"
        + "{\"name\":\"b\",\"id\":32.0,\"state\":\"BLOCKED\",\"holds\":[],\"stack\":[\"x.B.run(B.java:9)\"]}]}");

    assertThat(Finding.failureMessage(List.of(deadlock))).isEqualTo("stallwatch: Deadlock: thread \"a\" waits for "
        + "Object@1 held by \"b\", which waits for Object@2 held by \"a\"; none of them can go on. [deadlock]\n"
        + "    \"a\" BLOCKED\n        at x.A.run(A.java:3)\n"
        + "    \"b\" BLOCKED\n        at x.B.run(B.java:9)");
  }

  @Test
  void severalFindingsAreNumberedAndALeakNeedsNoFrames() {
    Finding leak = Finding.parse("{\"kind\":\"permit_leak\",\"thread\":\"main\",\"message\":\"A permit of S@1 taken "
        + "at x.P.take(P.java:7) by thread \\\"main\\\" was not released.\",\"stack\":[\"x.P.take(P.java:7)\"]}");
    Finding wait = Finding.parse("{\"kind\":\"lock_wait\",\"thread\":\"w\",\"message\":\"Thread \\\"w\\\" has waited"
        + " 1s.\",\"stack\":[\"x.W.run(W.java:1)\"],\"waitedMillis\":1000,\"ownerTerminated\":false,\"owner\":null}");

    assertThat(Finding.failureMessage(List.of(leak, wait))).isEqualTo("stallwatch found 2 problems in this test:\n"
        + "1. A permit of S@1 taken at x.P.take(P.java:7) by thread \"main\" was not released. [permit_leak]\n"
        + "2. Thread \"w\" has waited 1s. [lock_wait]\n    \"w\"\n        at x.W.run(W.java:1)");
  }

  @Test
  void somethingThatIsNotADetectionIsIgnored() {
    assertThat(Finding.parse("{\"kind\":3}")).isNull();
    assertThat(Finding.parse("not json")).isNull();
    assertThat(Finding.parse("{\"kind\":\"deadlock\",\"message\":\"unterminated")).isNull();
  }
}
