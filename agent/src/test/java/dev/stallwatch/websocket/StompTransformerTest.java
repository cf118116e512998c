package dev.stallwatch.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stallwatch.testing.MethodCalls;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The hook put into Spring's real {@code StompSubProtocolHandler} (the jar of the pinned Spring version). */
class StompTransformerTest {
  @Test
  void onlyTheClientFramesHandOverAnnouncesTheFrame() throws Exception {
    byte[] original;
    try (InputStream in = getClass().getClassLoader()
        .getResourceAsStream(StompTransformer.SUB_PROTOCOL_HANDLER + ".class")) {
      original = in.readAllBytes();
    }
    byte[] hooked = StompTransformer.hookInboundFrames(original);
    assertThat(hooked).isNotNull();

    List<String> hooks = new ArrayList<>();
    List<String> sends = new ArrayList<>();
    for (MethodCalls.Call call : MethodCalls.in(hooked)) {
      String name = call.caller().substring(0, call.caller().indexOf('('));
      if (call.owner().endsWith("/StallwatchStomp")) {
        hooks.add(name + ":" + call.method());
      }
      if (call.owner().equals("org/springframework/messaging/MessageChannel") && call.method().equals("send")) {
        sends.add(name);
      }
    }
    assertThat(hooks).containsExactly("handleMessageFromClient:inbound");
    assertThat(sends).as("Spring's own DISCONNECT at a session's end is sent elsewhere, and not hooked")
        .contains("handleMessageFromClient").hasSizeGreaterThan(1);
  }
}
