package dev.stallwatch.permits;

import dev.stallwatch.bootstrap.StallwatchHealth;
import dev.stallwatch.bootstrap.StallwatchPlatformClasses;
import dev.stallwatch.instrumentation.ClassBytes;
import dev.stallwatch.log.AgentLog;
import java.lang.instrument.ClassFileTransformer;
import java.nio.charset.StandardCharsets;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * <p>A method with such calls gets one local of its own, null at entry, that holds the thread's permit ledger once a
 * call has looked it up ({@code StallwatchPermits.ledger(known)} before each hook): an acquire and its release in
 * the same method, or a loop of pairs, then look the ledger up once instead of once per call, which is most of what
 * accounting costs an uncontended pair (docs/performance.md). The local goes after the method's own (its original
 * {@code max_locals}, read in a first pass), so no other local moves; every stack map frame is extended with it.
 *
 * <p>Classes are only parsed when their bytes mention {@code java/util/concurrent/Semaphore}; every other class loads
 * untouched after one byte scan.
 */
public final class SemaphoreCallSiteRewriter implements ClassFileTransformer {
  private static final String SEMAPHORE = "java/util/concurrent/Semaphore";
  private static final byte[] SEMAPHORE_BYTES = SEMAPHORE.getBytes(StandardCharsets.UTF_8);
  private static final String HOOKS = hookClassInternalName();
  private static final String LEDGER_TYPE =
      dev.stallwatch.bootstrap.StallwatchPermitLedger.class.getName().replace('.', '/');
  private static final String LEDGER = "L" + LEDGER_TYPE + ";";
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
      MethodsWithPermitCalls scan = new MethodsWithPermitCalls();
      reader.accept(scan, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
      ClassWriter writer = new ClassWriter(reader, ClassWriter.COMPUTE_MAXS);
      Rewriter rewriter = new Rewriter(writer, className, scan.maxLocals);
      reader.accept(rewriter, ClassReader.EXPAND_FRAMES); // expanded frames: the ledger local is appended to each
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

  private static boolean isRewritten(int opcode, String owner, String method, String desc) {
    return opcode == Opcodes.INVOKEVIRTUAL && owner.equals(SEMAPHORE) && REWRITTEN.contains(method + desc);
  }

  /** First pass: the methods with a rewritten call, each with its own {@code max_locals} (where the ledger goes). */
  private static final class MethodsWithPermitCalls extends ClassVisitor {
    final Map<String, Integer> maxLocals = new HashMap<>();

    MethodsWithPermitCalls() {
      super(Opcodes.ASM9);
    }

    @Override
    public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
        String[] exceptions) {
      return new MethodVisitor(Opcodes.ASM9) {
        private boolean calls;

        @Override
        public void visitMethodInsn(int opcode, String owner, String method, String desc, boolean isInterface) {
          calls |= isRewritten(opcode, owner, method, desc);
        }

        @Override
        public void visitMaxs(int maxStack, int locals) {
          if (calls) {
            maxLocals.put(name + descriptor, locals);
          }
        }
      };
    }
  }

  private final class Rewriter extends ClassVisitor {
    private final String className;
    private final Map<String, Integer> ledgerSlots;
    private String sourceFile = "Unknown Source";
    boolean changed;

    Rewriter(ClassVisitor next, String className, Map<String, Integer> ledgerSlots) {
      super(Opcodes.ASM9, next);
      this.className = className.replace('/', '.');
      this.ledgerSlots = ledgerSlots;
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
      Integer slot = ledgerSlots.get(name + descriptor);
      int ledgerSlot = slot == null ? -1 : slot;
      return new MethodVisitor(Opcodes.ASM9, next) {
        private int line = -1;

        @Override
        public void visitCode() {
          super.visitCode();
          if (ledgerSlot >= 0) {
            super.visitInsn(Opcodes.ACONST_NULL); // no ledger yet; the first permit call of the invocation finds it
            super.visitVarInsn(Opcodes.ASTORE, ledgerSlot);
          }
        }

        @Override
        public void visitFrame(int type, int numLocal, Object[] local, int numStack, Object[] stack) {
          if (ledgerSlot < 0 || type != Opcodes.F_NEW) {
            super.visitFrame(type, numLocal, local, numStack, stack);
            return;
          }
          Object[] locals = withLedger(numLocal, local);
          super.visitFrame(type, locals.length, locals, numStack, stack);
        }

        /** The frame's locals with the ledger local after them: TOP up to its slot, a long or double taking two. */
        private Object[] withLedger(int numLocal, Object[] local) {
          List<Object> locals = new ArrayList<>(numLocal + 4);
          int slots = 0;
          for (int i = 0; i < numLocal; i++) {
            locals.add(local[i]);
            slots += local[i] == Opcodes.LONG || local[i] == Opcodes.DOUBLE ? 2 : 1;
          }
          for (; slots < ledgerSlot; slots++) {
            locals.add(Opcodes.TOP);
          }
          locals.add(LEDGER_TYPE);
          return locals.toArray();
        }

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
          if (ledgerSlot >= 0 && isRewritten(opcode, owner, method, desc)) {
            // stack: semaphore, arguments -> semaphore, arguments, ledger (also kept in the local), site
            super.visitVarInsn(Opcodes.ALOAD, ledgerSlot);
            super.visitMethodInsn(Opcodes.INVOKESTATIC, HOOKS, "ledger", "(" + LEDGER + ")" + LEDGER, false);
            super.visitInsn(Opcodes.DUP);
            super.visitVarInsn(Opcodes.ASTORE, ledgerSlot);
            String frame = className + "." + name + "(" + sourceFile + (line >= 0 ? ":" + line : "") + ")";
            super.visitLdcInsn(sites.register(frame));
            int close = desc.indexOf(')');
            String hookDesc = "(L" + SEMAPHORE + ";" + desc.substring(1, close) + LEDGER + "I" + desc.substring(close);
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
