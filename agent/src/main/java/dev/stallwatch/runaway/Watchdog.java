package dev.stallwatch.runaway;

import dev.stallwatch.bootstrap.StallwatchClock;
import dev.stallwatch.log.AgentLog;
import java.time.Duration;
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

  private final ScheduledExecutorService scheduler;

  private Watchdog() {
    scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, THREAD_NAME);
      thread.setDaemon(true);
      return thread;
    });
  }

  public static Watchdog start() {
    Watchdog watchdog = new Watchdog();
    watchdog.scheduler.scheduleAtFixedRate(StallwatchClock::tick, CLOCK_TICK_MILLIS, CLOCK_TICK_MILLIS, TimeUnit.MILLISECONDS);
    return watchdog;
  }

  /** Runs {@code task} every {@code interval}; a task that throws is reported once and keeps its schedule. */
  public void every(Duration interval, Runnable task) {
    long millis = interval.toMillis();
    scheduler.scheduleWithFixedDelay(new Guarded(task), millis, millis, TimeUnit.MILLISECONDS);
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
        if (!failureReported) {
          failureReported = true;
          AgentLog.line(task.getClass().getSimpleName() + " failed and will keep trying: " + t);
        }
      }
    }
  }
}
