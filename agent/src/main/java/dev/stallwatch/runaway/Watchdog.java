package dev.stallwatch.runaway;

import dev.stallwatch.bootstrap.StallwatchClock;
import dev.stallwatch.bootstrap.StallwatchHealth;
import dev.stallwatch.log.AgentLog;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The agent's one scanning thread ({@code stallwatch-watchdog}, a daemon): it advances the coarse clock and runs every
 * periodic detector. The application's threads only ever write small records; all looking happens here.
 */
public final class Watchdog {
  public static final String THREAD_NAME = "stallwatch-watchdog";
  private static final long CLOCK_TICK_MILLIS = 50;
  private static final long STOP_GRACE_MILLIS = 500;

  private static final long LATE_NANOS = TimeUnit.MILLISECONDS.toNanos(1_000 + CLOCK_TICK_MILLIS);

  private final ScheduledExecutorService scheduler;
  private long lastTickNanos;

  private Watchdog() {
    scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, THREAD_NAME);
      // The agent's loader as context loader, as the agent's other threads have it: threads it starts inherit it,
      // and that is one way the hooks tell the agent's threads from the application's.
      thread.setContextClassLoader(Watchdog.class.getClassLoader());
      thread.setDaemon(true);
      return thread;
    });
  }

  public static Watchdog start() {
    Watchdog watchdog = new Watchdog();
    watchdog.scheduler.scheduleAtFixedRate(watchdog::tick, CLOCK_TICK_MILLIS, CLOCK_TICK_MILLIS,
        TimeUnit.MILLISECONDS);
    return watchdog;
  }

  /**
   * Advances the coarse clock, and notices when the watchdog itself ran late: a tick more than a second after the
   * previous one means every detector ran that late too (CPU starvation, a stop-the-world pause, a clock jump), as
   * HikariCP's housekeeper reports thread starvation.
   */
  private void tick() {
    StallwatchClock.tick();
    long now = System.nanoTime();
    if (lastTickNanos != 0 && now - lastTickNanos > LATE_NANOS) {
      StallwatchHealth.lateWatchdogScans.incrementAndGet();
    }
    lastTickNanos = now;
  }

  /** Runs {@code task} every {@code interval}; a task that throws is reported once and keeps its schedule. */
  public void every(Duration interval, Runnable task) {
    long millis = interval.toMillis();
    scheduler.scheduleWithFixedDelay(new Guarded(task), millis, millis, TimeUnit.MILLISECONDS);
  }

  /**
   * Runs {@code task} on the watchdog thread now, after the task under way, and waits for its result: for callers
   * (the test scopes) that need a scan of their own at a moment they choose, without touching the detectors' state
   * from another thread. Throws when the watchdog has stopped, the task threw, or it took longer than {@code timeout}.
   */
  public <T> T runNow(Callable<T> task, Duration timeout) throws Exception {
    try {
      return scheduler.submit(task).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  /**
   * Lets a scan in progress finish (a detection half written to its sinks is worse than a late exit), waiting at most
   * {@code STOP_GRACE_MILLIS}, then stops the thread.
   */
  public void stop() {
    scheduler.shutdown();
    try {
      scheduler.awaitTermination(STOP_GRACE_MILLIS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    scheduler.shutdownNow();
  }

  private static final class Guarded implements Runnable {
    private final Runnable task;
    private boolean failureReported;

    Guarded(Runnable task) {
      this.task = task;
    }

    @Override
    public void run() {
      try {
        task.run();
      } catch (Throwable t) {
        StallwatchHealth.swallowed(t);
        if (!failureReported) {
          failureReported = true;
          AgentLog.line(task.getClass().getSimpleName() + " failed and will keep trying: " + t);
        }
      }
    }
  }
}
