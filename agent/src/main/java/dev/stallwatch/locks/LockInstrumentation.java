package dev.stallwatch.locks;

import dev.stallwatch.bootstrap.StallwatchCallSite;
import dev.stallwatch.bootstrap.StallwatchLockCalls;
import dev.stallwatch.bootstrap.StallwatchLockWaits;
import dev.stallwatch.bootstrap.StallwatchPermits;
import dev.stallwatch.bootstrap.StallwatchRegistry;
import dev.stallwatch.instrumentation.CallSiteRewriter;
import dev.stallwatch.instrumentation.CallSites;
import dev.stallwatch.log.AgentLog;
import java.lang.instrument.Instrumentation;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.AbstractQueuedLongSynchronizer;
import java.util.concurrent.locks.AbstractQueuedSynchronizer;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.concurrent.locks.StampedLock;

/**
 * Installs the lock engine's bytecode changes: hooks in the slow paths of the JDK's synchronizers (retransformed,
 * see {@link JdkLockTransformer}) and the rewriting of the application's call sites ({@link CallSiteRewriter}): its
 * Semaphore calls, so that every permit is accounted to the line that took it (the permits feature), and its Lock
 * calls, so that a lock wait is named by its line without a stack walk (the locks feature). Either feature may be
 * installed alone; preparing the hook classes twice is harmless.
 */
public final class LockInstrumentation {
  private LockInstrumentation() {}

  /** The slow-path hooks in the JDK's lock classes: lock waits, their owners, lock wait metrics. */
  public static void installLockHooks(Instrumentation instrumentation, ClassLoader agentLoader) {
    prepareHooks(agentLoader);
    JdkLockTransformer jdkLocks = new JdkLockTransformer();
    instrumentation.addTransformer(jdkLocks, true);
    try {
      instrumentation.retransformClasses(AbstractQueuedSynchronizer.class, AbstractQueuedLongSynchronizer.class,
          StampedLock.class, Semaphore.class);
    } catch (Throwable t) {
      AgentLog.line("lock instrumentation: the JDK's lock classes could not be retransformed, so lock waits are not "
          + "seen (" + t + ")");
    } finally {
      // Nothing else ever needs these hooks: the transformer leaves every later class alone anyway.
      instrumentation.removeTransformer(jdkLocks);
    }
  }

  /**
   * Rewrites the application's Semaphore call sites (when {@code permits}) and Lock call sites (when {@code locks},
   * the lock hooks being in) into calls that carry a constant naming the line. Returns the rewriter, or null when
   * neither is asked for.
   */
  public static CallSiteRewriter installCallSiteRewriting(Instrumentation instrumentation, ClassLoader agentLoader,
      CallSites sites, boolean permits, boolean locks) {
    CallSiteRewriter rewriter = CallSiteRewriter.rewriting(permits, locks, agentLoader, sites);
    if (rewriter == null) {
      return null;
    }
    prepareHooks(agentLoader);
    // Retransformation-capable: a rewrite changes method bodies only, so a late attach can rewrite loaded classes
    // (it asks the returned rewriter which ones).
    instrumentation.addTransformer(rewriter, true);
    if (permits) {
      StallwatchPermits.enable();
    }
    if (locks) {
      StallwatchLockCalls.enable();
    }
    return rewriter;
  }

  /**
   * Initialises every hook class now, on the agent's thread, so that no class initialisation (with its own locks)
   * ever happens for the first time inside an application's lock slow path.
   */
  private static void prepareHooks(ClassLoader agentLoader) {
    StallwatchRegistry.setAgentLoader(agentLoader);
    StallwatchLockWaits.track(new Class<?>[] {
        syncClass(ReentrantLock.class, "NonfairSync"), syncClass(ReentrantLock.class, "FairSync"),
        syncClass(ReentrantReadWriteLock.class, "NonfairSync"), syncClass(ReentrantReadWriteLock.class, "FairSync"),
        syncClass(Semaphore.class, "NonfairSync"), syncClass(Semaphore.class, "FairSync")});
    StallwatchRegistry.first(); // no current(): this thread is the application's main thread, not to be registered yet
    StallwatchLockWaits.acquireEnds();
    StallwatchCallSite.firstApplicationFrame();
    StallwatchPermits.pollForeignRelease();
    StallwatchLockCalls.ledger(null);
  }

  private static Class<?> syncClass(Class<?> lockClass, String simpleName) {
    for (Class<?> nested : lockClass.getDeclaredClasses()) {
      if (nested.getSimpleName().equals(simpleName)) {
        return nested;
      }
    }
    throw new IllegalStateException(lockClass.getName() + " has no nested " + simpleName + " on this JDK");
  }
}
