package dev.stallwatch.testapps;

import java.util.concurrent.locks.ReentrantLock;

/** "import-worker" takes a lock and ends without unlocking it; "report-worker" then waits for it forever. */
public final class OrphanedLock {
  public static void main(String[] args) throws Exception {
    ReentrantLock lock = new ReentrantLock();
    Thread crashing = new Thread(() -> {
      lock.lock();
      throw new IllegalStateException("import failed before unlock");
    }, "import-worker");
    crashing.setUncaughtExceptionHandler((t, e) -> System.out.println("import-worker died: " + e.getMessage()));
    crashing.start();
    crashing.join();
    Thread waiter = new Thread(() -> {
      lock.lock();
      System.out.println("unreachable");
    }, "report-worker");
    waiter.setDaemon(true);
    waiter.start();
    System.out.println("waiting forever");
    Thread.sleep(Long.MAX_VALUE);
  }
}
