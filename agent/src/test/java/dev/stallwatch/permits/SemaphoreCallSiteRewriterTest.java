package dev.stallwatch.permits;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The rewriter on a real class file: every shape of method that keeps the thread's ledger in a local of its own
 * (loops, long and double locals before it, exception handlers, a constructor) still passes the JVM's verifier, and
 * the permits it takes and gives back are accounted exactly as before.
 */
class SemaphoreCallSiteRewriterTest {
  private final CallSites sites = new CallSites();

  @BeforeAll
  static void enableHooks() {
    StallwatchPermits.enable();
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
    assertThat(held).singleElement().asString().contains("Shapes.keepOne(SemaphoreCallSiteRewriterTest.java:");

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
    SemaphoreCallSiteRewriter rewriter = new SemaphoreCallSiteRewriter(new ClassLoader(null) {}, sites);
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
