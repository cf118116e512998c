package dev.stallwatch.benchmarks;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Lock waits of a millisecond or more, the ones the agent measures for the wait histogram and names the site of, from
 * a 40-frame stack as a server's request thread has. The agent's work happens in the waiting thread right after it
 * acquired the lock, while it holds it; the holder, which wants the lock back at once, waits for exactly that. So
 * the holder's time per operation is the 1 ms it holds the lock plus what the waiter does holding it: the difference
 * between no agent and stallwatch is the agent's cost inside the application's critical section.
 */
@State(Scope.Group)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class LongWaitBenchmarks {
  private static final int STACK_DEPTH = 40;
  private final ReentrantLock lock = new ReentrantLock();
  private long counter;

  @Benchmark
  @Group("longWait")
  @GroupThreads(1)
  public long holderHoldsOneMillisecond() {
    lock.lock();
    try {
      LockSupport.parkNanos(1_000_000);
      return ++counter;
    } finally {
      lock.unlock();
    }
  }

  @Benchmark
  @Group("longWait")
  @GroupThreads(1)
  public long waiterFromADeepStack() {
    return deep(STACK_DEPTH);
  }

  private long deep(int depth) {
    if (depth > 0) {
      return deep(depth - 1) + 1;
    }
    lock.lock();
    try {
      return ++counter;
    } finally {
      lock.unlock();
    }
  }
}
