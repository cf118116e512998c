package dev.stallwatch.permits;

import dev.stallwatch.bootstrap.StallwatchHealth;
import dev.stallwatch.bootstrap.StallwatchPlatformClasses;
import dev.stallwatch.instrumentation.ClassBytes;
import dev.stallwatch.log.AgentLog;
import java.lang.instrument.ClassFileTransformer;
import java.nio.charset.StandardCharsets;
import java.security.ProtectionDomain;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Handle;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Rewrites the application's calls to {@code Semaphore} permit methods into calls to {@code StallwatchPermits} with
 * one extra argument: a constant naming the call site. The JDK's Semaphore itself is untouched, so an acquire costs
 * the same few array stores wherever it happens, and a leak report can still name the exact line that took the
 * permit, even one acquisition in ten thousand, without capturing a stack.
 *
 * <p>Classes are only parsed when their bytes mention {@code java/util/concurrent/Semaphore}; every other class loads
 * untouched after one byte scan.
 */
public final class SemaphoreCallSiteRewriter implements ClassFileTransformer {
  private static final String SEMAPHORE = "java/util/concurrent/Semaphore";
  private static final byte[] SEMAPHORE_BYTES = SEMAPHORE.getBytes(StandardCharsets.UTF_8);
  private static final String HOOKS = hookClassInternalName();
  /** Method references to these become references to the hooks' {@code ...ByReference} methods. */
  private static final Set<String> REFERENCED = Set.of(
      "acquire()V", "acquireUninterruptibly()V", "tryAcquire()Z", "drainPermits()I", "release()V", "release(I)V");
  private static final Set<String> REWRITTEN = Set.of(
      "acquire()V", "acquire(I)V", "acquireUninterruptibly()V", "acquireUninterruptibly(I)V",
      "tryAcquire()Z", "tryAcquire(I)Z", "tryAcquire(JLjava/util/concurrent/TimeUnit;)Z",
      "tryAcquire(IJLjava/util/concurrent/TimeUnit;)Z", "release()V", "release(I)V", "drainPermits()I");

  private final ClassLoader agentLoader;
  private final CallSites sites;
  private final AtomicBoolean failureReported = new AtomicBoolean();

  public SemaphoreCallSiteRewriter(ClassLoader agentLoader, CallSites sites) {
    this.agentLoader = agentLoader;
    this.sites = sites;
  }

  /** Where the build put {@code dev.stallwatch.bootstrap.StallwatchPermits} (relocated into java.base). */
  private static String hookClassInternalName() {
    return dev.stallwatch.bootstrap.StallwatchPermits.class.getName().replace('.', '/');
  }

  @Override
  public byte[] transform(Module module, ClassLoader loader, String className, Class<?> classBeingRedefined,
      ProtectionDomain protectionDomain, byte[] bytes) {
    if (loader == null || loader == agentLoader || className == null
        || StallwatchPlatformClasses.isPlatformInternalName(className)
        || !mentionsSemaphore(bytes)) {
      return null;
    }
    try {
      ClassReader reader = new ClassReader(bytes);
      ClassWriter writer = new ClassWriter(reader, ClassWriter.COMPUTE_MAXS);
      Rewriter rewriter = new Rewriter(writer, className);
      reader.accept(rewriter, 0);
      return rewriter.changed ? writer.toByteArray() : null;
    } catch (Throwable t) {
      StallwatchHealth.swallowed(t);
      if (failureReported.compareAndSet(false, true)) {
        AgentLog.line("permit accounting: could not rewrite " + className.replace('/', '.')
            + "; its Semaphore calls are not tracked (" + t + ")");
      }
      return null;
    }
  }

  public static boolean mentionsSemaphore(byte[] bytes) {
    return ClassBytes.contains(bytes, SEMAPHORE_BYTES);
  }

  private final class Rewriter extends ClassVisitor {
    private final String className;
    private String sourceFile = "Unknown Source";
    boolean changed;

    Rewriter(ClassVisitor next, String className) {
      super(Opcodes.ASM9, next);
      this.className = className.replace('/', '.');
    }

    @Override
    public void visitSource(String source, String debug) {
      if (source != null) {
        sourceFile = source;
      }
      super.visitSource(source, debug);
    }

    @Override
    public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
        String[] exceptions) {
      MethodVisitor next = super.visitMethod(access, name, descriptor, signature, exceptions);
      return new MethodVisitor(Opcodes.ASM9, next) {
        private int line = -1;

        @Override
        public void visitLineNumber(int lineNumber, net.bytebuddy.jar.asm.Label start) {
          line = lineNumber;
          super.visitLineNumber(lineNumber, start);
        }

        @Override
        public void visitInvokeDynamicInsn(String indyName, String indyDesc, Handle bootstrap, Object... args) {
          Object[] rewritten = args.clone();
          for (int i = 0; i < rewritten.length; i++) {
            if (rewritten[i] instanceof Handle h && h.getTag() == Opcodes.H_INVOKEVIRTUAL
                && h.getOwner().equals(SEMAPHORE) && REFERENCED.contains(h.getName() + h.getDesc())) {
              rewritten[i] = new Handle(Opcodes.H_INVOKESTATIC, HOOKS, h.getName() + "ByReference",
                  "(L" + SEMAPHORE + ";" + h.getDesc().substring(1), false);
              changed = true;
            }
          }
          super.visitInvokeDynamicInsn(indyName, indyDesc, bootstrap, rewritten);
        }

        @Override
        public void visitMethodInsn(int opcode, String owner, String method, String desc, boolean isInterface) {
          if (opcode == Opcodes.INVOKEVIRTUAL && owner.equals(SEMAPHORE) && REWRITTEN.contains(method + desc)) {
            String frame = className + "." + name + "(" + sourceFile + (line >= 0 ? ":" + line : "") + ")";
            super.visitLdcInsn(sites.register(frame));
            String hookDesc = "(L" + SEMAPHORE + ";" + desc.substring(1, desc.indexOf(')')) + "I" + desc.substring(desc.indexOf(')'));
            super.visitMethodInsn(Opcodes.INVOKESTATIC, HOOKS, method, hookDesc, false);
            changed = true;
          } else {
            super.visitMethodInsn(opcode, owner, method, desc, isInterface);
          }
        }
      };
    }
  }
}
