package dev.stallwatch.instrumentation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stallwatch.bootstrap.StallwatchCompletedWait;
import dev.stallwatch.bootstrap.StallwatchLockCalls;
import dev.stallwatch.bootstrap.StallwatchLockWaits;
import dev.stallwatch.bootstrap.StallwatchPermitLedger;
import dev.stallwatch.bootstrap.StallwatchPermits;
import dev.stallwatch.bootstrap.StallwatchRegistry;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The rewriter on a real class file: every shape of method that keeps the thread's ledger in a local of its own
 * (loops, long and double locals before it, exception handlers, a constructor, Semaphore and Lock calls sharing it)
 * still passes the JVM's verifier, the permits it takes and gives back are accounted exactly as before, and a lock
 * wait inside a rewritten call is named by the call's line rather than by a stack walk.
 */
class CallSiteRewriterTest {
  private final CallSites sites = new CallSites();

  @BeforeAll
  static void enableHooks() {
    StallwatchPermits.enable();
    StallwatchLockCalls.enable();
  }

  @AfterAll
  static void stopTrackingTheProbe() {
    StallwatchLockWaits.track(new Class<?>[0]);
  }

  /** Compiled by javac like any application class, then loaded only in its rewritten form. */
  public static class Shapes {
    final Semaphore semaphore = new Semaphore(10);

    public Shapes() throws InterruptedException {
      semaphore.acquire();
      semaphore.release();
    }

    public int pairsInALoop(int pairs) throws InterruptedException {
      int done = 0;
      for (int i = 0; i < pairs; i++) {
        semaphore.acquire();
        try {
          done++;
        } finally {
          semaphore.release();
        }
      }
      return done;
    }

    public long wideLocalsFirst(long a, double b) {
      long twice = a * 2;
      double same = b;
      if (semaphore.tryAcquire()) {
        semaphore.release();
      }
      return twice + (long) same;
    }

    public boolean timedTwo() throws InterruptedException {
      if (semaphore.tryAcquire(2, 1, TimeUnit.SECONDS)) {
        semaphore.release(2);
        return true;
      }
      return false;
    }

    public int releasedInHandler() {
      try {
        semaphore.acquire();
        throw new IllegalStateException("the handler gives the permit back");
      } catch (InterruptedException | IllegalStateException e) {
        semaphore.release();
        return 1;
      }
    }

    public void keepOne() {
      semaphore.acquireUninterruptibly();
    }

    public void giveOneBack() {
      semaphore.release();
    }

    public Runnable releaseByReference() {
      return semaphore::release;
    }

    final ReentrantLock reentrant = new ReentrantLock();
    final ReentrantReadWriteLock readWrite = new ReentrantReadWriteLock();
    final Lock declaredAsLock = new ReentrantLock(true);

    public int reentrantInALoop(int times) {
      int done = 0;
      for (int i = 0; i < times; i++) {
        reentrant.lock();
        try {
          done++;
        } finally {
          reentrant.unlock();
        }
      }
      return done;
    }

    public long readThenWrite(long value) throws InterruptedException {
      readWrite.readLock().lockInterruptibly();
      try {
        value++;
      } finally {
        readWrite.readLock().unlock();
      }
      if (readWrite.writeLock().tryLock(1, TimeUnit.SECONDS)) {
        try {
          value++;
        } finally {
          readWrite.writeLock().unlock();
        }
      }
      return value;
    }

    public int lockAndPermitInOneMethod() throws InterruptedException {
      declaredAsLock.lock();
      try {
        semaphore.acquire();
        semaphore.release();
        return 1;
      } finally {
        declaredAsLock.unlock();
      }
    }

    public void failedLockInterruptibly() {
      Thread.currentThread().interrupt();
      try {
        declaredAsLock.lockInterruptibly();
        declaredAsLock.unlock();
      } catch (InterruptedException expected) {
        // the interrupt is the point: the site the call set must not outlive it
      }
    }

    public void waitOnProbe(Lock probe) {
      probe.lock();
      probe.unlock();
    }
  }

  /**
   * A lock of the application's own (not rewritten, as it is not {@link Shapes}) that waits 2 ms inside the slow-path
   * hooks, as a JDK lock would when contended.
   */
  static final class WaitingProbe implements Lock {
    static final class Sync {}

    final Sync sync = new Sync();

    @Override
    public void lock() {
      StallwatchLockWaits.queuedAcquireBegins(sync, false);
      long until = System.nanoTime() + 2_000_000;
      for (long left = 2_000_000; left > 0; left = until - System.nanoTime()) {
        LockSupport.parkNanos(left); // returns at once after an interrupt (its unpark), hence the loop
      }
      StallwatchLockWaits.acquireEnds();
    }

    @Override
    public void unlock() {}

    @Override
    public void lockInterruptibly() {
      lock();
    }

    @Override
    public boolean tryLock() {
      return true;
    }

    @Override
    public boolean tryLock(long time, TimeUnit unit) {
      return true;
    }

    @Override
    public Condition newCondition() {
      throw new UnsupportedOperationException();
    }
  }

  @Test
  void everyMethodShapeVerifiesAndBalancesItsPermits() throws Exception {
    List<String> held = onFreshThread(shapes -> {
      assertThat(call(shapes, "pairsInALoop", 1_000)).isEqualTo(1_000);
      assertThat(call(shapes, "wideLocalsFirst", 21L, 0.5d)).isEqualTo(42L);
      assertThat(call(shapes, "timedTwo")).isEqualTo(true);
      assertThat(call(shapes, "releasedInHandler")).isEqualTo(1);
    });
    assertThat(held).isEmpty();
  }

  @Test
  void aPermitKeptPastItsMethodIsHeldAtItsLineUntilAnotherMethodGivesItBack() throws Exception {
    List<String> held = onFreshThread(shapes -> call(shapes, "keepOne"));
    assertThat(held).singleElement().asString().contains("Shapes.keepOne(CallSiteRewriterTest.java:");

    List<String> balanced = onFreshThread(shapes -> {
      call(shapes, "keepOne");
      call(shapes, "giveOneBack");
    });
    assertThat(balanced).isEmpty();
  }

  @Test
  void aMethodReferenceStillBalancesThePermitItsLambdaReleases() throws Exception {
    List<String> held = onFreshThread(shapes -> {
      call(shapes, "keepOne");
      ((Runnable) call(shapes, "releaseByReference")).run();
    });
    assertThat(held).isEmpty();
  }

  @Test
  void lockCallsVerifyRunAsBeforeAndEachNamesItsLine() throws Exception {
    List<String> held = onFreshThread(shapes -> {
      assertThat(call(shapes, "reentrantInALoop", 1_000)).isEqualTo(1_000);
      assertThat(call(shapes, "readThenWrite", 40L)).isEqualTo(42L);
      assertThat(call(shapes, "lockAndPermitInOneMethod")).isEqualTo(1);
      call(shapes, "failedLockInterruptibly");
      assertThat(Thread.interrupted()).as("lockInterruptibly saw the interrupt and cleared it").isFalse();
    });
    assertThat(held).isEmpty();
    List<String> described = new ArrayList<>();
    for (int id = 0; id < sites.size(); id++) {
      described.add(sites.describe(id));
    }
    assertThat(described).anyMatch(d -> d.contains("Shapes.reentrantInALoop(CallSiteRewriterTest.java:"))
        .anyMatch(d -> d.contains("Shapes.readThenWrite(CallSiteRewriterTest.java:"))
        .anyMatch(d -> d.contains("Shapes.lockAndPermitInOneMethod(CallSiteRewriterTest.java:"))
        .anyMatch(d -> d.contains("Shapes.failedLockInterruptibly(CallSiteRewriterTest.java:"));
  }

  @Test
  void aLockWaitInsideARewrittenCallIsNamedByItsLineNotByAStackWalk() throws Exception {
    StallwatchLockWaits.track(new Class<?>[] {WaitingProbe.Sync.class});
    while (StallwatchLockWaits.pollCompleted() != null) {
      // completed waits of another test
    }
    WaitingProbe probe = new WaitingProbe();
    onFreshThread(shapes -> call(shapes, "waitOnProbe", probe));
    StallwatchCompletedWait rewritten = StallwatchLockWaits.pollCompleted();
    onFreshThread(shapes -> {
      call(shapes, "failedLockInterruptibly"); // thrown before any wait: the site it set must not stay behind
      probe.lock(); // the same wait, not through a rewritten call site
    });
    StallwatchCompletedWait walked = StallwatchLockWaits.pollCompleted();

    assertThat(rewritten).isNotNull();
    assertThat(rewritten.site(sites::describe)).startsWith(Shapes.class.getName() + ".waitOnProbe(");
    assertThat(walked).isNotNull();
    // Without a rewritten call the wait carries a walked frame, not an id. (In these tests the hooks are not
    // relocated into java.base, so the walk stops at the hook's own frame rather than at the probe's lock().)
    assertThat(walked.site(id -> "(id " + id + ")")).doesNotContain("(id ").doesNotContain(".waitOnProbe(");
  }

  /** Loads {@link Shapes} rewritten, runs {@code work} on a new thread, returns the sites its ledger still holds. */
  private List<String> onFreshThread(Work work) throws Exception {
    Class<?> rewritten = rewrittenShapes();
    AtomicReference<List<String>> held = new AtomicReference<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread thread = new Thread(() -> {
      try {
        work.on(rewritten.getConstructor().newInstance());
        StallwatchPermitLedger ledger = StallwatchRegistry.current().permits;
        List<String> sitesHeld = new ArrayList<>();
        StallwatchPermitLedger.Entry entry = new StallwatchPermitLedger.Entry();
        for (int i = 0; i < ledger.size(); i++) {
          if (ledger.read(i, entry)) {
            sitesHeld.add(sites.describe(entry.site));
          }
        }
        held.set(sitesHeld);
      } catch (Throwable t) {
        failure.set(t);
      }
    });
    thread.start();
    thread.join();
    if (failure.get() != null) {
      throw new AssertionError("the rewritten class failed", failure.get());
    }
    return held.get();
  }

  private Class<?> rewrittenShapes() throws Exception {
    String internalName = Shapes.class.getName().replace('.', '/');
    byte[] original;
    try (InputStream in = Shapes.class.getResourceAsStream("/" + internalName + ".class")) {
      original = in.readAllBytes();
    }
    ClassLoader parent = getClass().getClassLoader();
    CallSiteRewriter rewriter = CallSiteRewriter.rewriting(true, true, new ClassLoader(null) {}, sites);
    ClassLoader loader = new ClassLoader(parent) {
      @Override
      protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (!name.equals(Shapes.class.getName())) {
          return super.loadClass(name, resolve);
        }
        synchronized (getClassLoadingLock(name)) {
          Class<?> loaded = findLoadedClass(name);
          if (loaded == null) {
            byte[] bytes = rewriter.transform(null, this, internalName, null, null, original);
            assertThat(bytes).as("rewritten").isNotNull();
            loaded = defineClass(name, bytes, 0, bytes.length);
          }
          return loaded;
        }
      }
    };
    return Class.forName(Shapes.class.getName(), true, loader); // initialised and verified here
  }

  private static Object call(Object target, String name, Object... args) throws Exception {
    for (Method method : target.getClass().getMethods()) {
      if (method.getName().equals(name) && method.getParameterCount() == args.length) {
        return method.invoke(target, args);
      }
    }
    throw new NoSuchMethodException(name);
  }

  private interface Work {
    void on(Object shapes) throws Exception;
  }
}
