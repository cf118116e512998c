package dev.stallwatch.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The lock-wait path for waits of a millisecond or more, as an application meets it: two threads hand a fair
 * {@link ReentrantLock} back and forth, each holding it for {@value #HOLD_NANOS} ns, so every acquisition waits for
 * the other thread's hold (about 1.2 ms) and passes the agent's "measured wait" branch, which names the waiter's site
 * and queues the wait for the histogram while the waiter already holds the lock.
 *
 * <p>The primary score (time per hand-off) is dominated by the hold and by the scheduler's wake-up; what the agent
 * adds after the acquisition is read from the auxiliary counters: {@code cpuInLockNanos} is the waiting thread's own
 * CPU time spent inside {@code lock()} (the park and wake-up system calls, the JDK's queue work and, with the agent,
 * its hook), {@code acquisitions} how many {@code lock()} calls that covers; their ratio is the CPU per acquisition,
 * and with {@code -prof gc} the bytes allocated per operation are the hook's (the JDK's hand-off allocates a queue
 * node). Run it with and without the agent: {@code java -jar benchmarks/target/benchmarks.jar
 * agent/target/stallwatch-agent.jar LockHandOffBenchmarks 2}.
 */
@State(Scope.Group)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class LockHandOffBenchmarks {
  /** Each thread's hold: longer than the agent's 1 ms threshold for a measured wait, with room for timer slack. */
  static final long HOLD_NANOS = 1_200_000;
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /** Fair, so that a thread that just unlocked queues behind the waiter instead of barging back in. */
  private final ReentrantLock lock = new ReentrantLock(true);
  private long counter;

  /** Per-thread totals JMH reports beside the score, summed over both threads. */
  @AuxCounters(AuxCounters.Type.EVENTS)
  @State(Scope.Thread)
  public static class InLock {
    public long cpuInLockNanos;
    public long acquisitions;

    @Setup(Level.Iteration)
    public void clear() {
      cpuInLockNanos = 0;
      acquisitions = 0;
    }
  }

  @Benchmark
  @Group("handOff")
  @GroupThreads(2)
  public long handOffWithOneMillisecondHolds(InLock inLock) {
    long before = THREADS.getCurrentThreadCpuTime();
    lock.lock();
    try {
      inLock.cpuInLockNanos += THREADS.getCurrentThreadCpuTime() - before;
      inLock.acquisitions++;
      LockSupport.parkNanos(HOLD_NANOS);
      return ++counter;
    } finally {
      lock.unlock();
    }
  }
}
