package dev.stallwatch.testapps;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.concurrent.locks.StampedLock;

/**
 * Many threads hammering mixed locks, semaphores and conditions with interrupts and timeouts, checking the
 * invariants that lock semantics promise. Prints {@code invariants held ...} with counts, or the first violation and
 * exits 1. The same program runs with and without the agent; its verdict must not change.
 */
public final class ConcurrencyStress {
  private static final int PERMITS = 3;

  private final ReentrantLock lock = new ReentrantLock();
  private final ReentrantLock fairLock = new ReentrantLock(true);
  private final ReentrantReadWriteLock readWrite = new ReentrantReadWriteLock();
  private final StampedLock stamped = new StampedLock();
  private final Semaphore semaphore = new Semaphore(PERMITS);
  private final ReentrantLock queueLock = new ReentrantLock();
  private final Condition notEmpty = queueLock.newCondition();
  private final Object monitor = new Object();

  private long lockedCounter;
  private long fairCounter;
  private long writeCounter;
  private long stampedCounter;
  private long monitorCounter;
  private int queued;
  private final AtomicInteger insideSemaphore = new AtomicInteger();
  private final AtomicInteger maxInsideSemaphore = new AtomicInteger();
  private final AtomicLong produced = new AtomicLong();
  private final AtomicLong consumed = new AtomicLong();
  private final AtomicLong expectedLocked = new AtomicLong();
  private final AtomicLong expectedFair = new AtomicLong();
  private final AtomicLong expectedWrites = new AtomicLong();
  private final AtomicLong expectedStamped = new AtomicLong();
  private final AtomicLong expectedMonitor = new AtomicLong();
  private final AtomicLong interruptsSeen = new AtomicLong();
  private final AtomicLong timeouts = new AtomicLong();
  private final AtomicLong violations = new AtomicLong();
  private volatile String firstViolation;

  public static void main(String[] args) throws Exception {
    long millis = Long.parseLong(args[0]);
    int threads = Integer.parseInt(args[1]);
    new ConcurrencyStress().run(millis, threads);
  }

  private void run(long millis, int threads) throws Exception {
    long end = System.currentTimeMillis() + millis;
    List<Thread> workers = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      Thread t = new Thread(() -> work(end), "stress-" + i);
      workers.add(t);
      t.start();
    }
    Thread consumer = new Thread(() -> consume(end), "stress-consumer");
    consumer.start();
    // Interrupt workers at random while they may be blocked in an interruptible acquisition.
    while (System.currentTimeMillis() < end) {
      workers.get(ThreadLocalRandom.current().nextInt(workers.size())).interrupt();
      Thread.sleep(2);
    }
    for (Thread t : workers) {
      t.join();
    }
    consumer.interrupt();
    consumer.join();
    check(lockedCounter == expectedLocked.get(), "ReentrantLock counter " + lockedCounter + " != " + expectedLocked);
    check(fairCounter == expectedFair.get(), "fair lock counter " + fairCounter + " != " + expectedFair);
    check(writeCounter == expectedWrites.get(), "write counter " + writeCounter + " != " + expectedWrites);
    check(stampedCounter == expectedStamped.get(), "stamped counter " + stampedCounter + " != " + expectedStamped);
    check(monitorCounter == expectedMonitor.get(), "monitor counter " + monitorCounter + " != " + expectedMonitor);
    check(maxInsideSemaphore.get() <= PERMITS, "semaphore let " + maxInsideSemaphore + " threads in");
    check(semaphore.availablePermits() == PERMITS, "semaphore ended with " + semaphore.availablePermits());
    check(produced.get() == consumed.get() + queued, "produced " + produced + " != consumed " + consumed + " + " + queued);
    check(!lock.isLocked() && !fairLock.isLocked() && !readWrite.isWriteLocked() && readWrite.getReadLockCount() == 0
        && !stamped.isWriteLocked() && !stamped.isReadLocked(), "a lock was left held");
    if (violations.get() > 0) {
      System.out.println("VIOLATION: " + firstViolation);
      System.exit(1);
    }
    System.out.println("invariants held: locked=" + lockedCounter + " fair=" + fairCounter + " writes=" + writeCounter
        + " stamped=" + stampedCounter + " monitor=" + monitorCounter + " produced=" + produced + " interrupts="
        + interruptsSeen + " timeouts=" + timeouts + " maxInsideSemaphore=" + maxInsideSemaphore);
  }

  private void work(long end) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    while (System.currentTimeMillis() < end) {
      try {
        switch (random.nextInt(9)) {
          case 0 -> {
            lock.lockInterruptibly();
            try {
              lockedCounter++;
              expectedLocked.incrementAndGet();
            } finally {
              lock.unlock();
            }
          }
          case 1 -> {
            if (fairLock.tryLock(random.nextInt(50), TimeUnit.MICROSECONDS)) {
              try {
                fairCounter++;
                expectedFair.incrementAndGet();
              } finally {
                fairLock.unlock();
              }
            } else {
              timeouts.incrementAndGet();
            }
          }
          case 2 -> {
            readWrite.writeLock().lockInterruptibly();
            try {
              writeCounter++;
              expectedWrites.incrementAndGet();
            } finally {
              readWrite.writeLock().unlock();
            }
          }
          case 3 -> {
            readWrite.readLock().lock();
            try {
              check(!readWrite.isWriteLocked() || readWrite.isWriteLockedByCurrentThread(), "read while written");
            } finally {
              readWrite.readLock().unlock();
            }
          }
          case 4 -> {
            long stamp = stamped.writeLockInterruptibly();
            try {
              stampedCounter++;
              expectedStamped.incrementAndGet();
            } finally {
              stamped.unlockWrite(stamp);
            }
          }
          case 5 -> {
            if (semaphore.tryAcquire(random.nextInt(100), TimeUnit.MICROSECONDS)) {
              try {
                inSemaphore();
              } finally {
                semaphore.release();
              }
            } else {
              timeouts.incrementAndGet();
            }
          }
          case 6 -> {
            semaphore.acquire();
            try {
              inSemaphore();
            } finally {
              semaphore.release();
            }
          }
          case 7 -> {
            synchronized (monitor) {
              monitorCounter++;
              expectedMonitor.incrementAndGet();
            }
          }
          default -> {
            queueLock.lock();
            try {
              queued++;
              produced.incrementAndGet();
              notEmpty.signal();
            } finally {
              queueLock.unlock();
            }
          }
        }
      } catch (InterruptedException e) {
        interruptsSeen.incrementAndGet();
        Thread.interrupted();
      }
    }
  }

  private void inSemaphore() {
    int inside = insideSemaphore.incrementAndGet();
    maxInsideSemaphore.accumulateAndGet(inside, Math::max);
    Thread.onSpinWait();
    insideSemaphore.decrementAndGet();
  }

  private void consume(long end) {
    while (true) {
      queueLock.lock();
      try {
        while (queued == 0) {
          if (!notEmpty.await(10, TimeUnit.MILLISECONDS) && System.currentTimeMillis() > end + 1_000) {
            return;
          }
        }
        queued--;
        consumed.incrementAndGet();
      } catch (InterruptedException e) {
        return;
      } finally {
        queueLock.unlock();
      }
    }
  }

  private void check(boolean condition, String violation) {
    if (!condition && violations.getAndIncrement() == 0) {
      firstViolation = violation;
    }
  }
}
