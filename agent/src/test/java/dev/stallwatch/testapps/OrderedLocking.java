package dev.stallwatch.testapps;

import java.util.concurrent.locks.ReentrantLock;

/**
 * The trap for deadlock detection: four threads take the same two locks (monitors and ReentrantLocks) over and over,
 * always in the same order, with plenty of contention but no cycle. Runs for the given milliseconds.
 */
public final class OrderedLocking {
  public static void main(String[] args) throws Exception {
    long millis = args.length > 0 ? Long.parseLong(args[0]) : 3_000;
    Object outerMonitor = new Object();
    Object innerMonitor = new Object();
    ReentrantLock outer = new ReentrantLock();
    ReentrantLock inner = new ReentrantLock();
    long end = System.currentTimeMillis() + millis;
    long[] rounds = new long[4];
    Thread[] workers = new Thread[rounds.length];
    for (int i = 0; i < workers.length; i++) {
      int index = i;
      workers[i] = new Thread(() -> {
        while (System.currentTimeMillis() < end) {
          synchronized (outerMonitor) {
            synchronized (innerMonitor) {
              rounds[index]++;
            }
          }
          outer.lock();
          try {
            inner.lock();
            try {
              rounds[index]++;
            } finally {
              inner.unlock();
            }
          } finally {
            outer.unlock();
          }
        }
      }, "ordered-" + i);
      workers[i].start();
    }
    long total = 0;
    for (int i = 0; i < workers.length; i++) {
      workers[i].join();
      total += rounds[i];
    }
    System.out.println("rounds " + total);
  }
}
