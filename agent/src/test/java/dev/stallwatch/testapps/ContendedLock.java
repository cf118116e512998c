package dev.stallwatch.testapps;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.concurrent.locks.StampedLock;

/**
 * "metrics-flusher" holds a lock for {@code holdMillis} while "request-handler" waits for it. The kind of lock is the
 * first argument: lock, write, read, stamped, semaphore, monitor. Prints when the wait ends, then lingers for the
 * optional third argument's milliseconds.
 */
public final class ContendedLock {
  private static final ReentrantLock LOCK = new ReentrantLock();
  private static final ReentrantReadWriteLock RW = new ReentrantReadWriteLock();
  private static final StampedLock STAMPED = new StampedLock();
  private static final Semaphore SLOT = new Semaphore(1);
  private static final Object MONITOR = new Object();

  public static void main(String[] args) throws Exception {
    String kind = args[0];
    long holdMillis = Long.parseLong(args[1]);
    CountDownLatch held = new CountDownLatch(1);
    Thread holder = new Thread(() -> flushUnderLock(kind, holdMillis, held), "metrics-flusher");
    holder.start();
    held.await();
    Thread waiter = new Thread(() -> recordRequest(kind), "request-handler");
    waiter.start();
    waiter.join();
    System.out.println("wait ended at " + System.currentTimeMillis());
    holder.join();
    if (args.length > 2) {
      Thread.sleep(Long.parseLong(args[2]));
    }
  }

  static void flushUnderLock(String kind, long holdMillis, CountDownLatch held) {
    Runnable hold = () -> {
      held.countDown();
      sleep(holdMillis);
    };
    withLock(kind, true, hold);
  }

  static void recordRequest(String kind) {
    withLock(kind, false, () -> { });
  }

  private static void withLock(String kind, boolean holder, Runnable body) {
    switch (kind) {
      case "lock" -> {
        LOCK.lock();
        try {
          body.run();
        } finally {
          LOCK.unlock();
        }
      }
      case "write" -> {
        RW.writeLock().lock();
        try {
          body.run();
        } finally {
          RW.writeLock().unlock();
        }
      }
      case "read" -> {
        // The holder writes, the waiter wants to read.
        var lock = holder ? RW.writeLock() : RW.readLock();
        lock.lock();
        try {
          body.run();
        } finally {
          lock.unlock();
        }
      }
      case "stamped" -> {
        long stamp = STAMPED.writeLock();
        try {
          body.run();
        } finally {
          STAMPED.unlockWrite(stamp);
        }
      }
      case "semaphore" -> {
        SLOT.acquireUninterruptibly();
        try {
          body.run();
        } finally {
          SLOT.release();
        }
      }
      case "monitor" -> {
        synchronized (MONITOR) {
          body.run();
        }
      }
      default -> throw new IllegalArgumentException(kind);
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
