package dev.stallwatch.websocket;

import dev.stallwatch.bootstrap.StallwatchHealth;
import dev.stallwatch.instrumentation.HookWeaver;
import dev.stallwatch.instrumentation.HookWeaver.MethodHooks;
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
 * Spring WebFlux WebSocket on Reactor Netty, by three exact classes of the frameworks' (nothing of the application's
 * is changed, so a handler written as a lambda is covered too; a name comparison is all other classes cost):
 * <ul>
 *   <li>Spring's {@code ReactorNettyRequestUpgradeStrategy}: its call of {@code WebSocketHandler.handle(session)} is
 *       followed by the bootstrap's {@code handled(handler, session, mono)}, whose result replaces the {@code Mono};
 *   <li>Reactor Netty's {@code WebsocketServerOperations.onInboundNext}: {@link WovenHooks#REACTIVE_INBOUND};
 *   <li>Spring's {@code NettyWebSocketSessionSupport.toFrame}: {@link WovenHooks#REACTIVE_OUTBOUND}.
 * </ul>
 * See {@link ReactiveWebSockets} for what is traced.
 */
final class ReactiveWebSocketTransformer implements ClassFileTransformer {
  static final String UPGRADE_STRATEGY =
      "org/springframework/web/reactive/socket/server/upgrade/ReactorNettyRequestUpgradeStrategy";
  static final String SERVER_OPERATIONS = "reactor/netty/http/server/WebsocketServerOperations";
  static final String SESSION_SUPPORT = "org/springframework/web/reactive/socket/adapter/NettyWebSocketSessionSupport";
  private static final String HANDLER = "org/springframework/web/reactive/socket/WebSocketHandler";
  private static final String HANDLE = "(Lorg/springframework/web/reactive/socket/WebSocketSession;)Lreactor/core/publisher/Mono;";
  private static final String HOOKS =
      dev.stallwatch.bootstrap.StallwatchReactiveWebSockets.class.getName().replace('.', '/');

  private final ClassLoader agentLoader;
  /** The classes a failure was said for: once, however often a late attach or a retransformation asks. */
  private final Set<String> failuresReported = ConcurrentHashMap.newKeySet();

  ReactiveWebSocketTransformer(ClassLoader agentLoader) {
    this.agentLoader = agentLoader;
  }

  @Override
  public byte[] transform(Module module, ClassLoader loader, String className, Class<?> classBeingRedefined,
      ProtectionDomain protectionDomain, byte[] bytes) {
    if (loader == null || loader == agentLoader || className == null) {
      return null;
    }
    try {
      return switch (className) {
        case UPGRADE_STRATEGY -> afterHandle(bytes);
        case SERVER_OPERATIONS -> wrap(bytes, "onInboundNext", 2, WovenHooks.REACTIVE_INBOUND);
        case SESSION_SUPPORT -> wrap(bytes, "toFrame", 1, WovenHooks.REACTIVE_OUTBOUND);
        default -> null;
      };
    } catch (Throwable t) {
      StallwatchHealth.swallowed(t);
      if (failuresReported.add(className)) {
        AgentLog.line("websocket: could not instrument " + className.replace('/', '.') + "; WebFlux WebSocket "
            + "sessions are not traced (" + t + ")");
      }
      return null;
    }
  }

  /**
   * Each {@code handler.handle(session)} becomes {@code (Mono) handled(handler, session, handler.handle(session))}:
   * the two operands are duplicated before the call, so the operand stack is the same after it and nothing else in
   * the method changes.
   */
  static byte[] afterHandle(byte[] bytes) {
    ClassReader reader = new ClassReader(bytes);
    ClassWriter writer = new ClassWriter(reader, ClassWriter.COMPUTE_MAXS);
    boolean[] changed = {false};
    reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
      @Override
      public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
          String[] exceptions) {
        return new MethodVisitor(Opcodes.ASM9, super.visitMethod(access, name, descriptor, signature, exceptions)) {
          @Override
          public void visitMethodInsn(int opcode, String owner, String method, String desc, boolean isInterface) {
            if (opcode == Opcodes.INVOKEINTERFACE && owner.equals(HANDLER) && method.equals("handle")
                && desc.equals(HANDLE)) {
              super.visitInsn(Opcodes.DUP2);
              super.visitMethodInsn(opcode, owner, method, desc, isInterface);
              super.visitMethodInsn(Opcodes.INVOKESTATIC, HOOKS, "handled",
                  "(Ljava/lang/Object;Ljava/lang/Object;Ljava/lang/Object;)Ljava/lang/Object;", false);
              super.visitTypeInsn(Opcodes.CHECKCAST, "reactor/core/publisher/Mono");
              changed[0] = true;
              return;
            }
            super.visitMethodInsn(opcode, owner, method, desc, isInterface);
          }
        };
      }
    }, 0);
    return changed[0] ? writer.toByteArray() : null;
  }

  /** The class with its one method {@code method} taking {@code arguments} arguments wrapped in {@code hooks}. */
  private static byte[] wrap(byte[] bytes, String method, int arguments, MethodHooks hooks) {
    return HookWeaver.weave(bytes, (access, name, descriptor) ->
        name.equals(method) && Type.getArgumentTypes(descriptor).length == arguments ? hooks : null);
  }
}
