package dev.stallwatch.benchmarks;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The paths every lock in an application takes. The uncontended ones must cost what the JDK's cost; the contended
 * ones are where the agent does its measuring, and their cost is reported as it is.
 */
@State(Scope.Group)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class LockBenchmarks {
  private final ReentrantLock lock = new ReentrantLock();
  private final ReentrantReadWriteLock readWrite = new ReentrantReadWriteLock();
  private final Semaphore semaphore = new Semaphore(4);
  private long counter;

  /**
   * Uncontended lock and unlock. The call site is rewritten so that a wait would be named by its line; for a non-fair
   * ReentrantLock the hook first makes the attempt lock() itself makes first, so an uncontended call adds nothing.
   */
  @Benchmark
  @Group("uncontendedLock")
  public long uncontendedLockUnlock() {
    lock.lock();
    try {
      return ++counter;
    } finally {
      lock.unlock();
    }
  }

  /** Uncontended acquire and release: the call sites are rewritten and each permit is accounted. */
  @Benchmark
  @Group("uncontendedSemaphore")
  public long uncontendedAcquireRelease() throws InterruptedException {
    semaphore.acquire();
    try {
      return ++counter;
    } finally {
      semaphore.release();
    }
  }

  /** Uncontended tryAcquire and release, the shape of bounded pools. */
  @Benchmark
  @Group("uncontendedTryAcquire")
  public long uncontendedTryAcquireRelease() {
    if (semaphore.tryAcquire()) {
      try {
        return ++counter;
      } finally {
        semaphore.release();
      }
    }
    return counter;
  }

  @Benchmark
  @Group("uncontendedReadLock")
  public long uncontendedReadLock() {
    readWrite.readLock().lock();
    try {
      return counter;
    } finally {
      readWrite.readLock().unlock();
    }
  }

  /** Two threads on one lock: most acquisitions go through the slow path, where waits are measured. */
  @Benchmark
  @Group("contendedLock")
  @GroupThreads(2)
  public long contendedLockUnlock() {
    lock.lock();
    try {
      Blackhole.consumeCPU(20);
      return ++counter;
    } finally {
      lock.unlock();
    }
  }

  /** Two threads on a one-permit semaphore. */
  @Benchmark
  @Group("contendedSemaphore")
  @GroupThreads(2)
  public long contendedAcquireRelease() throws InterruptedException {
    Semaphore one = semaphoreOfOne;
    one.acquire();
    try {
      Blackhole.consumeCPU(20);
      return ++counter;
    } finally {
      one.release();
    }
  }

  private final Semaphore semaphoreOfOne = new Semaphore(1);
}
