package dev.stallwatch.instrumentation;

import dev.stallwatch.bootstrap.StallwatchHealth;
import dev.stallwatch.bootstrap.StallwatchPlatformClasses;
import dev.stallwatch.log.AgentLog;
import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Handle;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Rewrites the application's calls to {@code Semaphore} permit methods and to {@code Lock} acquisitions into calls to
 * the bootstrap hooks ({@code StallwatchPermits}, {@code StallwatchLockCalls}) with two extra arguments: the calling
 * thread's ledger and a constant naming the call site ({@link CallSites}). The JDK's classes themselves are
 * untouched. So a leak report can name the exact line that took the permit, even one acquisition in ten thousand,
 * and a lock wait of a millisecond or more is named by its line without a stack walk while the waiter holds the
 * lock it just got.
 *
 * <p>A method with such calls gets one local of its own, null at entry, that holds the thread's ledger once a call
 * has looked it up (the hook class's {@code ledger(known)} before each hook): an acquire and its release in the
 * same method, or a loop of pairs, then look the ledger up once instead of once per call, which is most of what
 * accounting costs an uncontended pair (docs/performance.md). The local goes after the method's own (its original
 * {@code max_locals}, read in a first pass), so no other local moves; every stack map frame is extended with it.
 *
 * <p>Classes are only parsed when their bytes mention a rewritten owner; every other class loads untouched after a
 * byte scan. Each kind of call is switched on by its feature ({@link #rewriting}).
 */
public final class CallSiteRewriter implements ClassFileTransformer {
  private static final String SEMAPHORE = "java/util/concurrent/Semaphore";
  private static final String LOCK = "java/util/concurrent/locks/Lock";
  private static final String PERMIT_HOOKS = internalName(dev.stallwatch.bootstrap.StallwatchPermits.class);
  private static final String LOCK_HOOKS = internalName(dev.stallwatch.bootstrap.StallwatchLockCalls.class);
  private static final String LEDGER_TYPE = internalName(dev.stallwatch.bootstrap.StallwatchPermitLedger.class);
  private static final String LEDGER = "L" + LEDGER_TYPE + ";";

  /** Semaphore calls: every permit taken or given back. */
  private static final Rule PERMIT_CALLS = new Rule(PERMIT_HOOKS, SEMAPHORE, Set.of(), Set.of(),
      Set.of(SEMAPHORE),
      Set.of("acquire()V", "acquire(I)V", "acquireUninterruptibly()V", "acquireUninterruptibly(I)V",
          "tryAcquire()Z", "tryAcquire(I)Z", "tryAcquire(JLjava/util/concurrent/TimeUnit;)Z",
          "tryAcquire(IJLjava/util/concurrent/TimeUnit;)Z", "release()V", "release(I)V", "drainPermits()I"),
      // Method references to these become references to the hooks' ...ByReference methods (no site).
      Set.of("acquire()V", "acquireUninterruptibly()V", "tryAcquire()Z", "drainPermits()I", "release()V",
          "release(I)V"),
      List.of(SEMAPHORE));
  /**
   * Lock acquisitions that can wait on a {@code ReentrantLock} or through the {@code Lock} interface (the calls
   * javac emits for a field declared as either): {@code lock()} becomes a hook call with the site alone, as its fast
   * path needs no ledger ({@code StallwatchLockCalls} says why); the others take the ledger too. {@code tryLock()}
   * never waits, so it stays as it is; so do method references.
   */
  private static final Rule LOCK_CALLS = new Rule(LOCK_HOOKS, LOCK, Set.of(), Set.of("lock()V"),
      Set.of(LOCK, "java/util/concurrent/locks/ReentrantLock"),
      Set.of("lockInterruptibly()V", "tryLock(JLjava/util/concurrent/TimeUnit;)Z"), Set.of(),
      // "Lock" also matches LockSupport and the like: a false positive costs one parse, a miss a site.
      List.of(LOCK, "java/util/concurrent/locks/ReentrantLock"));
  /** The same on a read-write lock's two locks, whose {@code lock()} stays between two hook calls. */
  private static final Rule READ_WRITE_LOCK_CALLS = new Rule(LOCK_HOOKS, LOCK, Set.of("lock()V"), Set.of(),
      Set.of("java/util/concurrent/locks/ReentrantReadWriteLock$ReadLock",
          "java/util/concurrent/locks/ReentrantReadWriteLock$WriteLock"),
      Set.of("lockInterruptibly()V", "tryLock(JLjava/util/concurrent/TimeUnit;)Z"), Set.of(),
      List.of("java/util/concurrent/locks/ReentrantReadWriteLock$"));

  private final ClassLoader agentLoader;
  private final CallSites sites;
  private final List<Rule> rules;
  /** What a class must mention, one of them, to be parsed at all: every rule's, looked for in one pass. */
  private final ClassBytes.Needles mentions;
  private final AtomicBoolean failureReported = new AtomicBoolean();

  private CallSiteRewriter(ClassLoader agentLoader, CallSites sites, List<Rule> rules) {
    this.agentLoader = agentLoader;
    this.sites = sites;
    this.rules = rules;
    List<String> mentioned = new ArrayList<>();
    for (Rule rule : rules) {
      mentioned.addAll(rule.mentions);
    }
    this.mentions = new ClassBytes.Needles(mentioned);
  }

  /** A rewriter of the permit calls, the lock calls, or both; null when neither is asked for. */
  public static CallSiteRewriter rewriting(boolean permits, boolean locks, ClassLoader agentLoader, CallSites sites) {
    List<Rule> rules = new ArrayList<>(2);
    if (permits) {
      rules.add(PERMIT_CALLS);
    }
    if (locks) {
      rules.add(LOCK_CALLS);
      rules.add(READ_WRITE_LOCK_CALLS);
    }
    return rules.isEmpty() ? null : new CallSiteRewriter(agentLoader, sites, List.copyOf(rules));
  }

  /**
   * This rewriter's Semaphore rule alone, or null without it: what a late attach asks about the classes already
   * loaded. Their lock waits stay named by a stack walk; retransforming every loaded class that takes a lock would
   * lengthen the pause a running server sees on attach, for a cheaper way to name the same line.
   */
  public CallSiteRewriter permitCallsOnly() {
    return rules.contains(PERMIT_CALLS) ? new CallSiteRewriter(agentLoader, sites, List.of(PERMIT_CALLS)) : null;
  }

  private static String internalName(Class<?> hooks) {
    // Where the build put the bootstrap class (relocated into java.base).
    return hooks.getName().replace('.', '/');
  }

  @Override
  public byte[] transform(Module module, ClassLoader loader, String className, Class<?> classBeingRedefined,
      ProtectionDomain protectionDomain, byte[] bytes) {
    if (loader == null || loader == agentLoader || className == null
        || StallwatchPlatformClasses.isPlatformInternalName(className)
        || !mentions.foundIn(bytes)) {
      return null;
    }
    try {
      ClassReader reader = new ClassReader(bytes);
      if (!refersToRewrittenMethod(reader)) {
        return null; // it names the types (a field, LockSupport, a tryLock) but none of the methods
      }
      MethodsWithRewrittenCalls scan = new MethodsWithRewrittenCalls();
      reader.accept(scan, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
      if (scan.maxLocals.isEmpty() && !scan.references) {
        return null; // the bytes only seemed to call a hooked method
      }
      ClassWriter writer = new ClassWriter(reader, ClassWriter.COMPUTE_MAXS);
      Rewriter rewriter = new Rewriter(writer, className, scan.maxLocals);
      reader.accept(rewriter, ClassReader.EXPAND_FRAMES); // expanded frames: the ledger local is appended to each
      return rewriter.changed ? writer.toByteArray() : null;
    } catch (Throwable t) {
      StallwatchHealth.swallowed(t);
      if (failureReported.compareAndSet(false, true)) {
        AgentLog.line("call-site rewriting: could not rewrite " + className.replace('/', '.')
            + "; its Semaphore and Lock calls are not tracked by line (" + t + ")");
      }
      return null;
    }
  }

  /**
   * Whether the constant pool holds a method reference this rewriter changes: a call needs one, and so does a method
   * reference (its handle points at one). Reading the pool is cheaper than visiting every instruction, which the first
   * pass would otherwise do for each class that only names a lock or semaphore type (about 50 ms of Tomcat's start
   * with its examples went to that pass, docs/performance.md).
   */
  private boolean refersToRewrittenMethod(ClassReader reader) {
    char[] buffer = new char[reader.getMaxStringLength()];
    for (int i = 1; i < reader.getItemCount(); i++) {
      int offset = reader.getItem(i);
      if (offset == 0) {
        continue; // the second slot of a long or a double
      }
      int tag = reader.readByte(offset - 1);
      if (tag != 10 && tag != 11) { // CONSTANT_Methodref, CONSTANT_InterfaceMethodref
        continue;
      }
      String owner = reader.readClass(offset, buffer);
      int nameAndType = reader.getItem(reader.readUnsignedShort(offset + 2));
      String name = reader.readUTF8(nameAndType, buffer);
      String desc = reader.readUTF8(nameAndType + 2, buffer);
      if (ruleFor(tag == 10 ? Opcodes.INVOKEVIRTUAL : Opcodes.INVOKEINTERFACE, owner, name, desc) != null) {
        return true;
      }
    }
    return false;
  }

  /** The rule that rewrites this method reference into one of its hooks' {@code ...ByReference} methods, or null. */
  private Rule referenceRuleFor(Handle handle) {
    if (handle.getTag() != Opcodes.H_INVOKEVIRTUAL) {
      return null;
    }
    Rule rule = ruleFor(Opcodes.INVOKEVIRTUAL, handle.getOwner(), handle.getName(), handle.getDesc());
    return rule != null && rule.referenced.contains(handle.getName() + handle.getDesc()) ? rule : null;
  }

  /** The rule that rewrites this call, or null. */
  private Rule ruleFor(int opcode, String owner, String method, String desc) {
    if (opcode != Opcodes.INVOKEVIRTUAL && opcode != Opcodes.INVOKEINTERFACE) {
      return null;
    }
    for (Rule rule : rules) {
      String signature = method + desc;
      if (rule.owners.contains(owner) && (rule.methods.contains(signature) || rule.wrapped.contains(signature)
          || rule.sited.contains(signature))) {
        return rule;
      }
    }
    return null;
  }

  /**
   * What one kind of call becomes: calls of {@code methods} on any of {@code owners} turn into static calls of
   * {@code hooks} with the receiver typed as {@code receiver}, the original arguments, the ledger and the site; calls
   * of {@code sited} the same without the ledger; calls of {@code wrapped} stay, between
   * {@code hooks.entering(ledger, site)} and {@code hooks.left(ledger)}.
   */
  private static final class Rule {
    final String hooks;
    final String receiver;
    final Set<String> wrapped;
    final Set<String> sited;
    final Set<String> owners;
    final Set<String> methods;
    final Set<String> referenced;
    /** Strings of which a class must contain one to be parsed at all. */
    final List<String> mentions;

    Rule(String hooks, String receiver, Set<String> wrapped, Set<String> sited, Set<String> owners,
        Set<String> methods, Set<String> referenced, List<String> mentions) {
      this.hooks = hooks;
      this.receiver = receiver;
      this.wrapped = wrapped;
      this.sited = sited;
      this.owners = owners;
      this.methods = methods;
      this.referenced = referenced;
      this.mentions = List.copyOf(mentions);
    }

    String hookDescriptor(String desc, boolean withLedger) {
      int close = desc.indexOf(')');
      return "(L" + receiver + ";" + desc.substring(1, close) + (withLedger ? LEDGER : "") + "I" + desc.substring(close);
    }
  }

  /**
   * First pass: the methods with a rewritten call, each with its own {@code max_locals} (where the ledger goes), and
   * whether any method reference is rewritten.
   */
  private final class MethodsWithRewrittenCalls extends ClassVisitor {
    final Map<String, Integer> maxLocals = new HashMap<>();
    boolean references;

    MethodsWithRewrittenCalls() {
      super(Opcodes.ASM9);
    }

    @Override
    public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
        String[] exceptions) {
      return new MethodVisitor(Opcodes.ASM9) {
        private boolean calls;

        @Override
        public void visitMethodInsn(int opcode, String owner, String method, String desc, boolean isInterface) {
          calls |= ruleFor(opcode, owner, method, desc) != null;
        }

        @Override
        public void visitInvokeDynamicInsn(String indyName, String indyDesc, Handle bootstrap, Object... args) {
          for (Object arg : args) {
            references |= arg instanceof Handle h && referenceRuleFor(h) != null;
          }
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
            super.visitInsn(Opcodes.ACONST_NULL); // no ledger yet; the first hooked call of the invocation finds it
            super.visitVarInsn(Opcodes.ASTORE, ledgerSlot);
          }
        }

        @Override
        public void visitFrame(int type, int numLocal, Object[] local, int numStack, Object[] stack) {
          if (ledgerSlot < 0 || type != Opcodes.F_NEW) {
            super.visitFrame(type, numLocal, local, numStack, stack);
            return;
          }
          Object[] locals = FrameLocals.withLocalAt(numLocal, local, ledgerSlot, LEDGER_TYPE);
          super.visitFrame(type, locals.length, locals, numStack, stack);
        }

        @Override
        public void visitLineNumber(int lineNumber, org.objectweb.asm.Label start) {
          line = lineNumber;
          super.visitLineNumber(lineNumber, start);
        }

        @Override
        public void visitInvokeDynamicInsn(String indyName, String indyDesc, Handle bootstrap, Object... args) {
          Object[] rewritten = args.clone();
          for (int i = 0; i < rewritten.length; i++) {
            Rule rule = rewritten[i] instanceof Handle h ? referenceRuleFor(h) : null;
            if (rule != null) {
              Handle h = (Handle) rewritten[i];
              rewritten[i] = new Handle(Opcodes.H_INVOKESTATIC, rule.hooks, h.getName() + "ByReference",
                  "(L" + rule.receiver + ";" + h.getDesc().substring(1), false);
              changed = true;
            }
          }
          super.visitInvokeDynamicInsn(indyName, indyDesc, bootstrap, rewritten);
        }

        @Override
        public void visitMethodInsn(int opcode, String owner, String method, String desc, boolean isInterface) {
          Rule rule = ledgerSlot >= 0 ? ruleFor(opcode, owner, method, desc) : null;
          if (rule == null) {
            super.visitMethodInsn(opcode, owner, method, desc, isInterface);
            return;
          }
          String frame = className + "." + name + "(" + sourceFile + (line >= 0 ? ":" + line : "") + ")";
          changed = true;
          if (rule.sited.contains(method + desc)) {
            super.visitLdcInsn(sites.register(frame)); // stack: receiver, arguments, site
            super.visitMethodInsn(Opcodes.INVOKESTATIC, rule.hooks, method, rule.hookDescriptor(desc, false), false);
            return;
          }
          // stack: receiver, arguments -> receiver, arguments, ledger (also kept in the local), site
          super.visitVarInsn(Opcodes.ALOAD, ledgerSlot);
          super.visitMethodInsn(Opcodes.INVOKESTATIC, rule.hooks, "ledger", "(" + LEDGER + ")" + LEDGER, false);
          super.visitInsn(Opcodes.DUP);
          super.visitVarInsn(Opcodes.ASTORE, ledgerSlot);
          super.visitLdcInsn(sites.register(frame));
          if (!rule.wrapped.contains(method + desc)) {
            super.visitMethodInsn(Opcodes.INVOKESTATIC, rule.hooks, method, rule.hookDescriptor(desc, true), false);
            return;
          }
          // The call itself stays (its own type profile), between entering(ledger, site) and left(ledger).
          super.visitMethodInsn(Opcodes.INVOKESTATIC, rule.hooks, "entering", "(" + LEDGER + "I)V", false);
          super.visitMethodInsn(opcode, owner, method, desc, isInterface);
          super.visitVarInsn(Opcodes.ALOAD, ledgerSlot);
          super.visitMethodInsn(Opcodes.INVOKESTATIC, rule.hooks, "left", "(" + LEDGER + ")V", false);
        }
      };
    }
  }
}
