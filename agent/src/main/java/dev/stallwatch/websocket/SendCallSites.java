package dev.stallwatch.websocket;

import java.util.Set;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Counts the messages an application sends: each of its calls of a WebSocket send method gets a call of
 * {@code StallwatchWebSockets.sent(message)} just before it, with a copy of the message from the operand stack. The
 * send itself is untouched. Covered: {@code RemoteEndpoint.Basic} and {@code .Async} {@code sendText},
 * {@code sendBinary}, {@code sendObject} (Jakarta and javax, every overload whose first argument is the message),
 * and Spring's {@code WebSocketSession.sendMessage}; a partial message counts once per fragment. A streamed message,
 * {@code RemoteEndpoint.Basic.getSendWriter()} (text) or {@code getSendStream()} (binary), counts once when it is
 * opened, without a size.
 */
final class SendCallSites extends ClassVisitor {
  private static final String HOOKS = dev.stallwatch.bootstrap.StallwatchWebSockets.class.getName().replace('.', '/');
  private static final Set<String> OWNERS = Set.of(
      "jakarta/websocket/RemoteEndpoint$Basic", "jakarta/websocket/RemoteEndpoint$Async",
      "javax/websocket/RemoteEndpoint$Basic", "javax/websocket/RemoteEndpoint$Async",
      "org/springframework/web/socket/WebSocketSession");
  private static final Set<String> METHODS = Set.of("sendText", "sendBinary", "sendObject", "sendMessage");
  private static final Set<String> BASIC =
      Set.of("jakarta/websocket/RemoteEndpoint$Basic", "javax/websocket/RemoteEndpoint$Basic");
  private static final Set<String> STREAMS =
      Set.of("getSendWriter()Ljava/io/Writer;", "getSendStream()Ljava/io/OutputStream;");

  boolean changed;

  SendCallSites(ClassVisitor next) {
    super(Opcodes.ASM9, next);
  }

  @Override
  public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
      String[] exceptions) {
    return new MethodVisitor(Opcodes.ASM9, super.visitMethod(access, name, descriptor, signature, exceptions)) {
      @Override
      public void visitMethodInsn(int opcode, String owner, String method, String desc, boolean isInterface) {
        if (opcode == Opcodes.INVOKEINTERFACE && BASIC.contains(owner) && STREAMS.contains(method + desc)) {
          super.visitInsn(method.equals("getSendWriter") ? Opcodes.ICONST_1 : Opcodes.ICONST_0);
          super.visitMethodInsn(Opcodes.INVOKESTATIC, HOOKS, "sentStream", "(Z)V", false);
          changed = true;
        } else if (opcode == Opcodes.INVOKEINTERFACE && OWNERS.contains(owner) && METHODS.contains(method)) {
          int arguments = org.objectweb.asm.Type.getArgumentTypes(desc).length;
          String second = arguments == 2 ? org.objectweb.asm.Type.getArgumentTypes(desc)[1].getDescriptor() : "";
          if (arguments == 1) {
            super.visitInsn(Opcodes.DUP); // [message] -> [message, message]
            countMessage();
          } else if (arguments == 2 && !second.equals("J") && !second.equals("D")) {
            super.visitInsn(Opcodes.DUP2); // [message, x] -> [message, x, message, x]
            super.visitInsn(Opcodes.POP); // -> [message, x, message]
            countMessage();
          }
        }
        super.visitMethodInsn(opcode, owner, method, desc, isInterface);
      }

      private void countMessage() {
        super.visitMethodInsn(Opcodes.INVOKESTATIC, HOOKS, "sent", "(Ljava/lang/Object;)V", false);
        changed = true;
      }
    };
  }
}
