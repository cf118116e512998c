package dev.stallwatch.telemetry;

import dev.stallwatch.bootstrap.StallwatchHealth;
import dev.stallwatch.log.AgentLog;
import io.opentelemetry.api.metrics.Meter;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Makes the agent's own health visible: each {@link StallwatchHealth} counter is exported as a
 * {@code stallwatch.agent.*} counter and said once on stderr the first time it moves, with what it means for the
 * reports (a drop or a miss is said, never silent). Run by the watchdog every second.
 */
public final class AgentHealth implements Runnable {
  private record Counter(String metric, String unit, String description, AtomicLong value, String consequence) {}

  static final List<Counter> COUNTERS = List.of(
      new Counter(TelemetryNames.AGENT_LOCK_WAITS_DROPPED_METRIC, "{wait}",
          "Finished lock waits not measured because the watchdog fell behind",
          StallwatchHealth.droppedLockWaits,
          "lock waits were not measured because the watchdog fell behind; stallwatch.lock.wait.duration misses them"),
      new Counter(TelemetryNames.AGENT_PERMITS_UNTRACKED_METRIC, "{permit}",
          "Permits acquired while the acquiring thread's ledger was full, so not accounted",
          StallwatchHealth.untrackedPermits,
          "permits were taken by a thread already holding 4096 entries and are not accounted; a leak of them would "
              + "not be reported"),
      new Counter(TelemetryNames.AGENT_PERMIT_RELEASES_DROPPED_METRIC, "{release}",
          "Releases by a thread that held none of the permits, dropped because the watchdog fell behind",
          StallwatchHealth.droppedForeignReleases,
          "permit releases by other threads were dropped because the watchdog fell behind; permit accounting is no "
              + "longer exact, so permit_leak is no longer reported (it could be false)"),
      new Counter(TelemetryNames.AGENT_ERRORS_SWALLOWED_METRIC, "{error}",
          "Errors that the agent's hooks, advice and transformers kept from the application",
          StallwatchHealth.swallowedErrors,
          "errors in the agent's hooks were kept from the application; what they would have recorded is missing"),
      new Counter(TelemetryNames.AGENT_WATCHDOG_LATE_METRIC, "{scan}",
          "Watchdog scans that started more than a second late",
          StallwatchHealth.lateWatchdogScans,
          "the watchdog ran more than a second late (CPU starvation or a long pause); detections were late by as "
              + "much"));

  private final boolean[] said = new boolean[COUNTERS.size()];

  public AgentHealth(Meter meter) {
    for (Counter c : COUNTERS) {
      meter.counterBuilder(c.metric()).setUnit(c.unit()).setDescription(c.description())
          .buildWithCallback(m -> m.record(c.value().get()));
    }
  }

  @Override
  public void run() {
    for (int i = 0; i < said.length; i++) {
      Counter c = COUNTERS.get(i);
      long value = c.value().get();
      if (!said[i] && value > 0) {
        said[i] = true;
        AgentLog.line("health: " + value + " " + c.consequence() + " (" + c.metric() + ")");
      }
    }
  }
}
