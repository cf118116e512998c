package dev.stallwatch.testapps;

import java.lang.management.ManagementFactory;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Creates and drops {@code count} ReentrantLocks and as many Semaphores, using each once (the semaphores from two
 * threads, so that the hooks see a foreign release too), then prints the heap in use after a full GC.
 */
public final class ManyLocks {
  public static void main(String[] args) throws Exception {
    int count = Integer.parseInt(args[0]);
    Thread helper = new Thread(() -> churn(count / 2), "churn-helper");
    helper.start();
    churn(count - count / 2);
    helper.join();
    long used = 0;
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(200);
      used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
    System.out.println("heap used after gc: " + used);
  }

  private static void churn(int count) {
    for (int i = 0; i < count; i++) {
      ReentrantLock lock = new ReentrantLock();
      lock.lock();
      lock.unlock();
      Semaphore semaphore = new Semaphore(1);
      semaphore.acquireUninterruptibly();
      semaphore.release();
    }
  }
}
