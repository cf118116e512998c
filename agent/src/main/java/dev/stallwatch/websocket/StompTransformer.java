package dev.stallwatch.websocket;

import dev.stallwatch.bootstrap.StallwatchHealth;
import dev.stallwatch.instrumentation.HookWeaver;
import dev.stallwatch.log.AgentLog;
import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Spring's STOMP messaging over WebSocket, seen from two of Spring's own classes (the application's
 * {@code @MessageMapping} controllers are not changed):
 * <ul>
 *   <li>{@code StompSubProtocolHandler.handleMessageFromClient}: its one call of {@code MessageChannel.send} hands each
 *       decoded client frame to the client inbound channel; a call of {@code StallwatchStomp.inbound} with the same
 *       message is put before it (a {@code DUP}, so the operand stack is unchanged). Only that method: the
 *       {@code DISCONNECT} Spring makes up itself when a session ends is not a frame a client sent;
 *   <li>{@code AbstractMethodMessageHandler} (of {@code spring-messaging}, under {@code SimpAnnotationMethodMessageHandler}):
 *       {@code handleMatch}, which runs the matched {@code @MessageMapping} or {@code @SubscribeMapping} method on the
 *       inbound channel's executor and hands what it throws to {@code processHandlerMethodException}, and
 *       {@code getExceptionHandlerMethod}, whose result says whether an {@code @MessageExceptionHandler} takes it.
 * </ul>
 * The class names are compared exactly, so every other class costs one string comparison. Spring's raw per-frame
 * handler ({@code SubProtocolWebSocketHandler}) stays untraced, as every class of Spring's is
 * ({@link WebSocketTransformer}): the message's span is the handler method's.
 */
final class StompTransformer implements ClassFileTransformer {
  static final String SUB_PROTOCOL_HANDLER = "org/springframework/web/socket/messaging/StompSubProtocolHandler";
  static final String METHOD_MESSAGE_HANDLER =
      "org/springframework/messaging/handler/invocation/AbstractMethodMessageHandler";
  private static final String HOOKS = dev.stallwatch.bootstrap.StallwatchStomp.class.getName().replace('.', '/');

  private final ClassLoader agentLoader;
  /**
   * What was said about a class, so that it is said once: a late attach asks about a loaded class and then
   * retransforms it, and a retransformation elsewhere asks again.
   */
  private final Set<String> said = ConcurrentHashMap.newKeySet();

  StompTransformer(ClassLoader agentLoader) {
    this.agentLoader = agentLoader;
  }

  @Override
  public byte[] transform(Module module, ClassLoader loader, String className, Class<?> classBeingRedefined,
      ProtectionDomain protectionDomain, byte[] bytes) {
    if (loader == null || loader == agentLoader || className == null
        || !(className.equals(SUB_PROTOCOL_HANDLER) || className.equals(METHOD_MESSAGE_HANDLER))) {
      return null;
    }
    try {
      if (className.equals(METHOD_MESSAGE_HANDLER)) {
        return hookHandlerCalls(bytes);
      }
      byte[] hooked = hookInboundFrames(bytes);
      if (hooked == null && said.add(className)) {
        AgentLog.line("websocket: this Spring's StompSubProtocolHandler does not send frames as expected; STOMP "
            + "frames are not counted");
      }
      return hooked;
    } catch (Throwable t) {
      StallwatchHealth.swallowed(t);
      if (said.add(className)) {
        AgentLog.line("websocket: could not instrument " + className.replace('/', '.') + "; STOMP messages are not "
            + "traced (" + t + ")");
      }
      return null;
    }
  }

  /** {@code StompSubProtocolHandler} with its inbound channel send announced, or null if its shape is not known. */
  static byte[] hookInboundFrames(byte[] bytes) {
    ClassReader reader = new ClassReader(bytes);
    ClassWriter writer = new ClassWriter(reader, ClassWriter.COMPUTE_MAXS);
    boolean[] changed = {false};
    reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
      @Override
      public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
          String[] exceptions) {
        MethodVisitor next = super.visitMethod(access, name, descriptor, signature, exceptions);
        if (!name.equals("handleMessageFromClient")) {
          return next;
        }
        return new MethodVisitor(Opcodes.ASM9, next) {
          @Override
          public void visitMethodInsn(int opcode, String owner, String method, String desc, boolean isInterface) {
            if (opcode == Opcodes.INVOKEINTERFACE && owner.equals("org/springframework/messaging/MessageChannel")
                && method.equals("send") && desc.equals("(Lorg/springframework/messaging/Message;)Z")) {
              super.visitInsn(Opcodes.DUP);
              super.visitMethodInsn(Opcodes.INVOKESTATIC, HOOKS, "inbound", "(Ljava/lang/Object;)V", false);
              changed[0] = true;
            }
            super.visitMethodInsn(opcode, owner, method, desc, isInterface);
          }
        };
      }
    }, 0);
    return changed[0] ? writer.toByteArray() : null;
  }

  private static byte[] hookHandlerCalls(byte[] bytes) {
    return HookWeaver.weave(bytes, (access, name, descriptor) -> {
      int arguments = Type.getArgumentTypes(descriptor).length;
      if (name.equals("handleMatch") && arguments == 4) {
        return WovenHooks.STOMP_HANDLE_MATCH;
      }
      return name.equals("getExceptionHandlerMethod") && arguments == 2
          ? WovenHooks.STOMP_EXCEPTION_HANDLER_LOOKUP : null;
    });
  }
}
