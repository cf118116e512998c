package dev.stallwatch.locks;

import dev.stallwatch.bootstrap.StallwatchHealth;
import dev.stallwatch.log.AgentLog;
import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Adds calls to the lock hooks to the slow paths of the JDK's synchronizers, which are loaded long before the agent
 * and so are retransformed. Only straight-line calls are inserted (at entry, and before each return), so the class
 * keeps its shape and its stack map frames, as retransformation requires; no exception handler is added, and the
 * hooks themselves never throw.
 *
 * <p>Plain ASM rather than Byte Buddy's {@code AgentBuilder}: it is these four classes and nothing else, and
 * loading and warming up Byte Buddy's matching machinery cost half a second of every application's start-up.
 *
 * <ul>
 *   <li>{@code AbstractQueuedSynchronizer.acquire(Node, int, boolean, boolean, boolean, long)} and its twin in
 *       {@code AbstractQueuedLongSynchronizer} (JDK 25's ReentrantReadWriteLock): entered only after the fast
 *       attempt failed, by ReentrantLock, ReentrantReadWriteLock, Semaphore (and CountDownLatch, filtered out by the
 *       hook);
 *   <li>{@code StampedLock.acquireWrite} / {@code acquireRead}: the StampedLock slow paths;
 *   <li>{@code Semaphore.reducePermits(int)}: permits taken out of circulation, accounted so that the release that
 *       restores them balances them.
 * </ul>
 */
final class JdkLockTransformer implements ClassFileTransformer {
  static final String AQS = "java/util/concurrent/locks/AbstractQueuedSynchronizer";
  static final String AQLS = "java/util/concurrent/locks/AbstractQueuedLongSynchronizer";
  static final String STAMPED = "java/util/concurrent/locks/StampedLock";
  static final String SEMAPHORE = "java/util/concurrent/Semaphore";

  private final String lockWaits = internalName(dev.stallwatch.bootstrap.StallwatchLockWaits.class);
  private final String permits = internalName(dev.stallwatch.bootstrap.StallwatchPermits.class);
  private volatile int transformed;

  private static String internalName(Class<?> type) {
    return type.getName().replace('.', '/');
  }

  /** How many of the four classes were changed; the agent checks it after retransforming. */
  int transformedCount() {
    return transformed;
  }

  @Override
  public byte[] transform(Module module, ClassLoader loader, String className, Class<?> classBeingRedefined,
      ProtectionDomain protectionDomain, byte[] bytes) {
    if (loader != null || className == null) {
      return null;
    }
    if (!className.equals(AQS) && !className.equals(AQLS) && !className.equals(STAMPED)
        && !className.equals(SEMAPHORE)) {
      return null;
    }
    try {
      ClassReader reader = new ClassReader(bytes);
      ClassWriter writer = new ClassWriter(reader, ClassWriter.COMPUTE_MAXS);
      reader.accept(new HookInserter(writer, className), 0);
      transformed++;
      return writer.toByteArray();
    } catch (Throwable t) {
      StallwatchHealth.swallowed(t);
      AgentLog.line("lock instrumentation: could not instrument " + className.replace('/', '.')
          + "; it runs unchanged and its waits are not seen (" + t + ")");
      return null;
    }
  }

  private final class HookInserter extends ClassVisitor {
    private final String className;

    HookInserter(ClassVisitor next, String className) {
      super(Opcodes.ASM9, next);
      this.className = className;
    }

    @Override
    public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
        String[] exceptions) {
      MethodVisitor next = super.visitMethod(access, name, descriptor, signature, exceptions);
      Type[] arguments = Type.getArgumentTypes(descriptor);
      boolean queuedAcquire = (className.equals(AQS) || className.equals(AQLS)) && name.equals("acquire")
          && arguments.length == 6;
      if (queuedAcquire) {
        // acquire(Node node, int|long arg, boolean shared, ...): "shared" is local 3 for int, 4 for long.
        int sharedSlot = 1 + arguments[0].getSize() + arguments[1].getSize();
        return new EntryAndExitHooks(next, mv -> {
          mv.visitVarInsn(Opcodes.ALOAD, 0);
          mv.visitVarInsn(Opcodes.ILOAD, sharedSlot);
          mv.visitMethodInsn(Opcodes.INVOKESTATIC, lockWaits, "queuedAcquireBegins", "(Ljava/lang/Object;Z)V", false);
        }, mv -> mv.visitMethodInsn(Opcodes.INVOKESTATIC, lockWaits, "acquireEnds", "()V", false));
      }
      if (className.equals(STAMPED) && (name.equals("acquireWrite") || name.equals("acquireRead"))) {
        boolean write = name.equals("acquireWrite");
        return new EntryAndExitHooks(next, mv -> {
          mv.visitVarInsn(Opcodes.ALOAD, 0);
          mv.visitInsn(write ? Opcodes.ICONST_1 : Opcodes.ICONST_0);
          mv.visitMethodInsn(Opcodes.INVOKESTATIC, lockWaits, "stampedAcquireBegins", "(Ljava/lang/Object;Z)V", false);
        }, mv -> mv.visitMethodInsn(Opcodes.INVOKESTATIC, lockWaits, "acquireEnds", "()V", false));
      }
      if (className.equals(SEMAPHORE) && name.equals("reducePermits") && descriptor.equals("(I)V")) {
        return new EntryAndExitHooks(next, mv -> { }, mv -> {
          mv.visitVarInsn(Opcodes.ALOAD, 0);
          mv.visitVarInsn(Opcodes.ILOAD, 1);
          mv.visitMethodInsn(Opcodes.INVOKESTATIC, permits, "reduced", "(Ljava/lang/Object;I)V", false);
        });
      }
      return next;
    }
  }

  private interface Code {
    void emit(MethodVisitor mv);
  }

  /** Emits {@code onEntry} before the first instruction and {@code onExit} before every return. */
  private static final class EntryAndExitHooks extends MethodVisitor {
    private final Code onEntry;
    private final Code onExit;

    EntryAndExitHooks(MethodVisitor next, Code onEntry, Code onExit) {
      super(Opcodes.ASM9, next);
      this.onEntry = onEntry;
      this.onExit = onExit;
    }

    @Override
    public void visitCode() {
      super.visitCode();
      onEntry.emit(mv);
    }

    @Override
    public void visitInsn(int opcode) {
      if (opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN) {
        onExit.emit(mv);
      }
      super.visitInsn(opcode);
    }
  }
}
