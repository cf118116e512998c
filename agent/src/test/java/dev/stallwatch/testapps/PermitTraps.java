package dev.stallwatch.testapps;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Correct uses of semaphores that look like leaks to a naive tracker; none may be reported. Runs them all, then stays
 * alive for {@code millis} so that every permit is older than any threshold a test sets.
 */
public final class PermitTraps {
  /** A semaphore that can be resized, using the protected reducePermits. */
  static final class ResizableSemaphore extends Semaphore {
    ResizableSemaphore(int permits) {
      super(permits);
    }

    void shrink(int by) {
      reducePermits(by);
    }
  }

  public static void main(String[] args) throws Exception {
    long millis = Long.parseLong(args[0]);

    // 1. Handed over: acquired by one thread, released by another (legal: permits are not owned).
    Semaphore handOver = new Semaphore(2);
    Thread taker = new Thread(() -> handOver.acquireUninterruptibly(), "taker");
    taker.start();
    taker.join();
    Thread giver = new Thread(handOver::release, "giver");
    giver.start();
    giver.join();

    // 2. A failed tryAcquire acquired nothing.
    Semaphore empty = new Semaphore(0);
    if (empty.tryAcquire() || empty.tryAcquire(2, 10, TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("acquired from an empty semaphore");
    }

    // 3. drainPermits then release(n) of the same count.
    Semaphore drained = new Semaphore(5);
    int n = drained.drainPermits();
    drained.release(n);

    // 4. Multi-permit acquire and release, and a release(n) spread over two acquisitions.
    Semaphore multi = new Semaphore(6);
    multi.acquire(3);
    multi.release(3);
    multi.acquire(2);
    multi.acquire(1);
    multi.release(3);

    // 5. A signal: released before it is acquired, by different threads.
    Semaphore signal = new Semaphore(0);
    Thread signaller = new Thread(signal::release, "signaller");
    signaller.start();
    signaller.join();
    signal.acquire();

    // 6. Resized: permits reduced, later given back by a release.
    ResizableSemaphore resizable = new ResizableSemaphore(4);
    resizable.shrink(2);
    resizable.release(2);

    // 7. tryAcquire with timeout that succeeds, released in finally.
    Semaphore timed = new Semaphore(1);
    if (timed.tryAcquire(100, TimeUnit.MILLISECONDS)) {
      try {
        System.out.println("working");
      } finally {
        timed.release();
      }
    }
    System.out.println("traps set");
    Thread.sleep(millis);
    System.out.println("done");
  }
}
