package dev.stallwatch.permits;

import dev.stallwatch.bootstrap.StallwatchHealth;
import dev.stallwatch.bootstrap.StallwatchPermitLedger;
import dev.stallwatch.bootstrap.StallwatchThreadState;
import dev.stallwatch.config.Durations;
import dev.stallwatch.report.Detection;
import dev.stallwatch.report.DetectionKind;
import dev.stallwatch.report.Detections;
import dev.stallwatch.report.LockNames;
import dev.stallwatch.report.ThreadDescriptions;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.function.IntFunction;

/**
 * Reports each permit out longer than {@code stallwatch.permit.leak.threshold} once, naming the line that took it,
 * and once more if it is returned after all (as HikariCP says of a leaked connection returned late).
 */
public final class PermitLeakDetector {
  private final Detections detections;
  private final long thresholdMillis;
  /** Leaks reported and not yet returned, with what is needed to say so when they are. */
  private final Map<HeldPermit.Key, HeldPermit> reported = new HashMap<>();

  public PermitLeakDetector(Detections detections, Duration threshold) {
    this.detections = detections;
    this.thresholdMillis = threshold.toMillis();
  }

  /**
   * @param deadlocked holders known to be stuck waiting for their own permits: already reported as a deadlock, which
   *     says more than a leak report of the same permit would
   */
  public void check(PermitBook book, Set<StallwatchThreadState> deadlocked, long nowMillis, IntFunction<String> site) {
    // Once a foreign release was dropped, some outstanding permit may in truth have been returned: reporting any leak
    // from then on could be false, so none is (AgentHealth says so on stderr and in stallwatch.agent.* metrics).
    boolean accountingLost = StallwatchHealth.droppedForeignReleases.get() > 0;
    Set<HeldPermit.Key> stillOut = new HashSet<>();
    for (HeldPermit p : book.held()) {
      stillOut.add(p.key());
      if (accountingLost || p.site() == StallwatchPermitLedger.SITE_REDUCED || reported.containsKey(p.key())
          || deadlocked.contains(p.owner())) {
        continue;
      }
      long out = nowMillis - p.sinceMillis();
      if (out >= thresholdMillis && book.seenBefore(p)) {
        reported.put(p.key(), p);
        detections.report(leak(p, out, site));
      }
    }
    reported.entrySet().removeIf(e -> {
      if (stillOut.contains(e.getKey())) {
        return false;
      }
      detections.report(returned(e.getValue(), nowMillis, site));
      return true;
    });
  }

  private Detection leak(HeldPermit p, long outMillis, IntFunction<String> site) {
    String where = site.apply(p.site());
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("phase", "leaked");
    details.put("semaphore", LockNames.identity(p.semaphore()));
    details.put("permits", p.permits());
    details.put("outMillis", outMillis);
    details.put("thresholdMillis", thresholdMillis);
    details.put("acquiredAt", where);
    details.put("acquiredBy", ThreadDescriptions.describe(p.holderAlive() ? p.thread() : null, p.holderName()));
    if (p.semaphore() instanceof Semaphore s) {
      details.put("availablePermits", s.availablePermits());
    }
    String message = (p.permits() == 1 ? "A permit" : p.permits() + " permits") + " of "
        + LockNames.identity(p.semaphore()) + " taken at " + where + " by "
        + ThreadDescriptions.inWords(p.holderAlive() ? p.thread() : null, p.holderName())
        + " has not been released for " + Durations.format(Duration.ofMillis(outMillis / 1000 * 1000))
        + availability(p) + ".";
    return Detection.of(DetectionKind.PERMIT_LEAK, p.holderName(), message, List.of(where), details);
  }

  private static String availability(HeldPermit p) {
    return p.semaphore() instanceof Semaphore s ? " (" + s.availablePermits() + " permits available now)" : "";
  }

  private Detection returned(HeldPermit p, long nowMillis, IntFunction<String> site) {
    String where = site.apply(p.site());
    long outMillis = nowMillis - p.sinceMillis();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("phase", "returned");
    details.put("semaphore", LockNames.identity(p.semaphore()));
    details.put("permits", p.permits());
    details.put("outMillis", outMillis);
    details.put("acquiredAt", where);
    String message = "The permit of " + LockNames.identity(p.semaphore()) + " taken at " + where
        + " and reported as leaked was returned after " + Durations.format(Duration.ofMillis(outMillis / 100 * 100))
        + ".";
    return Detection.of(DetectionKind.PERMIT_LEAK, p.holderName(), message, List.of(where), details);
  }
}
