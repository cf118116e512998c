package dev.stallwatch.websocket;

import dev.stallwatch.instrumentation.ClassBytes;
import java.util.List;
import java.util.Map;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * In the containers' own classes, each call of {@code MessageHandler.Whole.onMessage(Object)} or
 * {@code MessageHandler.Partial.onMessage(Object, boolean)} becomes a call of the bootstrap's {@code deliver} or
 * {@code deliverPart}, which takes the same operands, calls the handler, and traces it when its class could not be
 * instrumented (a lambda). Every container hands registered handlers their messages through such a call; the
 * operand stack is the same before and after, so nothing else in the method changes.
 */
final class ReceiveCallSites extends ClassVisitor {
  private static final String HOOKS = dev.stallwatch.bootstrap.StallwatchWebSockets.class.getName().replace('.', '/');
  private static final Map<String, String> OWNERS = Map.of(
      "jakarta/websocket/MessageHandler$Whole", "(Ljava/lang/Object;)V",
      "javax/websocket/MessageHandler$Whole", "(Ljava/lang/Object;)V",
      "jakarta/websocket/MessageHandler$Partial", "(Ljava/lang/Object;Z)V",
      "javax/websocket/MessageHandler$Partial", "(Ljava/lang/Object;Z)V");

  /**
   * What a class calling one of them must mention (the handler interface as the call's owner): most of a container's
   * classes call none, and this byte search spares them a parse and a write (about 20 ms of Tomcat's start with its
   * examples, docs/performance.md).
   */
  static final ClassBytes.Needles OWNER_MENTIONED = new ClassBytes.Needles(List.of("websocket/MessageHandler$"));

  boolean changed;

  ReceiveCallSites(ClassVisitor next) {
    super(Opcodes.ASM9, next);
  }

  @Override
  public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
      String[] exceptions) {
    return new MethodVisitor(Opcodes.ASM9, super.visitMethod(access, name, descriptor, signature, exceptions)) {
      @Override
      public void visitMethodInsn(int opcode, String owner, String method, String desc, boolean isInterface) {
        if (opcode == Opcodes.INVOKEINTERFACE && method.equals("onMessage") && desc.equals(OWNERS.get(owner))) {
          boolean partial = owner.endsWith("$Partial");
          super.visitMethodInsn(Opcodes.INVOKESTATIC, HOOKS, partial ? "deliverPart" : "deliver",
              partial ? "(Ljava/lang/Object;Ljava/lang/Object;Z)V" : "(Ljava/lang/Object;Ljava/lang/Object;)V",
              false);
          changed = true;
          return;
        }
        super.visitMethodInsn(opcode, owner, method, desc, isInterface);
      }
    };
  }
}
