package dev.stallwatch.testapps;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One traced block method, {@code handleRequest}, that is the subject of three detections while it runs: it takes a
 * permit and keeps it (permit_leak), waits for a lock another thread holds (lock_wait), and runs past its runaway
 * threshold (runaway). Run with {@code stallwatch.blocks=DetectionsInTraceContext#handleRequest=...}; prints
 * {@code done} once the block ended, then waits a moment for the export.
 */
public final class DetectionsInTraceContext {
  private static final Semaphore POOL = new Semaphore(2);
  private static final ReentrantLock LOCK = new ReentrantLock();

  public static void main(String[] args) throws Exception {
    CountDownLatch held = new CountDownLatch(1);
    Thread holder = new Thread(() -> {
      LOCK.lock();
      try {
        held.countDown();
        Thread.sleep(1_200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        LOCK.unlock();
      }
    }, "lock-holder");
    holder.start();
    held.await();
    new DetectionsInTraceContext().handleRequest();
    holder.join();
    for (int i = 0; i < 5; i++) { // the pool stays in use after the leak
      POOL.acquire();
      POOL.release();
    }
    System.out.println("done");
    Thread.sleep(1_500);
  }

  void handleRequest() throws InterruptedException {
    POOL.acquire(); // BUG: never released
    LOCK.lock();
    try {
      Thread.sleep(2_300);
    } finally {
      LOCK.unlock();
    }
  }
}
