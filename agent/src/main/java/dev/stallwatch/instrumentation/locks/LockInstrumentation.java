package dev.stallwatch.instrumentation.locks;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.stallwatch.bootstrap.StallwatchCallSite;
import dev.stallwatch.bootstrap.StallwatchLockWaits;
import dev.stallwatch.bootstrap.StallwatchPermits;
import dev.stallwatch.bootstrap.StallwatchRegistry;
import dev.stallwatch.instrumentation.InstallListener;
import java.lang.instrument.Instrumentation;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.matcher.ElementMatchers;

/**
 * Installs the lock engine's bytecode changes: advice on the slow paths of the JDK's queued synchronizers and of
 * StampedLock (already loaded, so they are retransformed without changing their shape), and the rewriting of the
 * application's Semaphore call sites.
 */
public final class LockInstrumentation {
  private LockInstrumentation() {}

  public static void install(Instrumentation instrumentation, ClassLoader agentLoader, CallSites sites) {
    prepareHooks(agentLoader);
    new AgentBuilder.Default()
        .disableClassFormatChanges()
        .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
        .with(new InstallListener("lock instrumentation"))
        // Byte Buddy ignores JDK classes by default; these three are exactly the ones wanted.
        .ignore(ElementMatchers.none())
        // JDK 25's ReentrantReadWriteLock sits on the long-state variant; both share the acquire shape.
        .type(named("java.util.concurrent.locks.AbstractQueuedSynchronizer")
            .or(named("java.util.concurrent.locks.AbstractQueuedLongSynchronizer")))
        .transform((builder, type, loader, module, domain) -> builder.visit(
            Advice.to(QueuedAcquireAdvice.class).on(named("acquire").and(takesArguments(6)))))
        .type(named("java.util.concurrent.locks.StampedLock"))
        .transform((builder, type, loader, module, domain) -> builder
            .visit(Advice.to(StampedWriteAdvice.class).on(named("acquireWrite")))
            .visit(Advice.to(StampedReadAdvice.class).on(named("acquireRead"))))
        .type(named("java.util.concurrent.Semaphore"))
        .transform((builder, type, loader, module, domain) -> builder.visit(
            Advice.to(ReducePermitsAdvice.class).on(named("reducePermits").and(takesArguments(int.class)))))
        .installOn(instrumentation);
    instrumentation.addTransformer(new SemaphoreCallSiteRewriter(agentLoader, sites), false);
    StallwatchPermits.enable();
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
