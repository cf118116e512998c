package dev.stallwatch.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

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
    new ClassReader(hooked).accept(new ClassVisitor(Opcodes.ASM9) {
      @Override
      public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
          String[] exceptions) {
        return new MethodVisitor(Opcodes.ASM9) {
          @Override
          public void visitMethodInsn(int opcode, String owner, String method, String desc, boolean isInterface) {
            if (owner.endsWith("/StallwatchStomp")) {
              hooks.add(name + ":" + method);
            }
            if (owner.equals("org/springframework/messaging/MessageChannel") && method.equals("send")) {
              sends.add(name);
            }
          }
        };
      }
    }, 0);
    assertThat(hooks).containsExactly("handleMessageFromClient:inbound");
    assertThat(sends).as("Spring's own DISCONNECT at a session's end is sent elsewhere, and not hooked")
        .contains("handleMessageFromClient").hasSizeGreaterThan(1);
  }
}
