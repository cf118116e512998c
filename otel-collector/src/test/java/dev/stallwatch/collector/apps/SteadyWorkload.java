package dev.stallwatch.collector.apps;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A healthy service-shaped workload for a fixed time: worker threads each take a slot of a bounded pool (a
 * {@code Semaphore}), process a block (a traced block method: a little CPU and a short wait, as for a call to a
 * provider), and update shared counters under a lock. Every second it prints {@code ops <second> <count>}, every
 * five seconds {@code heap <second> <bytes used after GC>}; an exception anywhere prints {@code APP-EXCEPTION} and
 * fails the exit code. It knows nothing about the agent or the collector.
 *
 * <p>Arguments: seconds to run (default 100), worker threads (default 4).
 */
public final class SteadyWorkload {
  private static final Semaphore slots = new Semaphore(3);
  private static final ReentrantLock statsLock = new ReentrantLock();
  private static final LongAdder done = new LongAdder();
  private static volatile boolean failed;
  // Only written, under statsLock: it is there so that each operation takes a real, contended lock.
  @SuppressWarnings("UnusedVariable")
  private static long bytes;

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    int workers = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    Thread[] threads = new Thread[workers];
    for (int i = 0; i < workers; i++) {
      threads[i] = new Thread(() -> work(end), "worker-" + i);
      threads[i].start();
    }
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long last = 0;
    for (int second = 1; second <= seconds; second++) {
      Thread.sleep(1000);
      long now = done.sum();
      System.out.println("ops " + second + " " + (now - last));
      last = now;
      if (second % 5 == 0) {
        System.gc();
        System.out.println("heap " + second + " " + memory.getHeapMemoryUsage().getUsed());
      }
    }
    for (Thread thread : threads) {
      thread.join();
    }
    System.out.println(failed ? "APP-EXCEPTION seen" : "done");
    System.exit(failed ? 1 : 0);
  }

  private static void work(long end) {
    long block = 0;
    while (System.nanoTime() < end) {
      try {
        if (slots.tryAcquire(1, TimeUnit.SECONDS)) {
          try {
            int size = processBlock(block++);
            statsLock.lock();
            try {
              bytes += size;
            } finally {
              statsLock.unlock();
            }
          } finally {
            slots.release();
          }
          done.increment();
        }
      } catch (Throwable t) {
        failed = true;
        System.out.println("APP-EXCEPTION " + t);
      }
    }
  }

  /** The block method the agent traces ({@code stallwatch.blocks=SteadyWorkload#processBlock}). */
  static int processBlock(long block) throws InterruptedException {
    long hash = block;
    for (int i = 0; i < 2_000; i++) {
      hash = hash * 31 + i;
    }
    Thread.sleep(2);
    return (int) (hash & 0xff);
  }
}
