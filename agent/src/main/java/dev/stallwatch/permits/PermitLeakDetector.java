package dev.stallwatch.permits;

import dev.stallwatch.bootstrap.StallwatchHealth;
import dev.stallwatch.bootstrap.StallwatchPermitLedger;
import dev.stallwatch.bootstrap.StallwatchThreadState;
import dev.stallwatch.config.Durations;
import dev.stallwatch.report.Detection;
import dev.stallwatch.report.DetectionKind;
import dev.stallwatch.report.Detections;
import dev.stallwatch.report.LockNames;
import dev.stallwatch.report.SiteRateLimiter;
import dev.stallwatch.report.ThreadDescriptions;
import io.opentelemetry.api.trace.Span;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.function.IntFunction;

/**
 * Reports the permits out longer than {@code stallwatch.permit.leak.threshold}, naming the line that took them, and
 * says once more when they are returned after all (as HikariCP says of a leaked connection returned late).
 *
 * <p>One report per holder and acquiring line, not per permit: a thread that hoards a thousand permits at one line is
 * one finding with a count. Leaks of the same holder and line that cross the threshold later are held back for
 * {@link #REPORT_INTERVAL_MILLIS} ({@link SiteRateLimiter}) and then reported together, so none is lost; the
 * "returned" report follows once every permit of a report is back.
 */
public final class PermitLeakDetector {
  static final long REPORT_INTERVAL_MILLIS = 10_000;
  private final Detections detections;
  private final long thresholdMillis;
  private final SiteRateLimiter rateLimiter = new SiteRateLimiter(REPORT_INTERVAL_MILLIS);
  /** Acquisitions reported and not yet returned, each with the report it was part of. */
  private final Map<HeldPermit.Key, Report> reported = new HashMap<>();
  /**
   * The span each acquisition out was taken in, as far as the watchdog can tell: the traced operation running on the
   * holder when the permit was first seen out, if it had begun by then (the hot path records no context).
   */
  private final Map<HeldPermit.Key, Span> takenIn = new HashMap<>();
  private final Map<Integer, Boolean> containerSites = new HashMap<>();

  /** One leak report: what the "returned" follow-up needs, and how many of its acquisitions are still out. */
  private static final class Report {
    final HeldPermit oldest;
    final int permits;
    final int acquisitions;
    int outstanding;

    Report(HeldPermit oldest, int permits, int acquisitions) {
      this.oldest = oldest;
      this.permits = permits;
      this.acquisitions = acquisitions;
      this.outstanding = acquisitions;
    }
  }

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
    Map<Group, List<HeldPermit>> leaks = new LinkedHashMap<>(); // oldest first, as the book lists them
    for (HeldPermit p : book.held()) {
      stillOut.add(p.key());
      takenIn.computeIfAbsent(p.key(), k -> detections.spanOf(p.holderAlive() ? p.thread() : null, p.sinceMillis()));
      if (accountingLost || p.site() == StallwatchPermitLedger.SITE_REDUCED || reported.containsKey(p.key())
          || deadlocked.contains(p.owner()) || containerInternal(p.site(), site)) {
        continue;
      }
      if (nowMillis - p.sinceMillis() >= thresholdMillis && book.seenBefore(p)) {
        leaks.computeIfAbsent(new Group(p.owner(), p.site()), g -> new ArrayList<>()).add(p);
      }
    }
    leaks.forEach((group, permits) -> {
      String where = site.apply(group.site());
      if (rateLimiter.admit(where + " by " + permits.get(0).holderName() + "#" + group.hashCode(), nowMillis) < 0) {
        return; // held back, still unreported: the next report of this holder and line includes them
      }
      int count = 0;
      for (HeldPermit p : permits) {
        count += p.permits();
      }
      Report report = new Report(permits.get(0), count, permits.size());
      for (HeldPermit p : permits) {
        reported.put(p.key(), report);
      }
      detections.report(leak(report, nowMillis - report.oldest.sinceMillis(), where)
          .onSpan(takenIn.get(report.oldest.key())));
    });
    takenIn.keySet().retainAll(stillOut);
    reported.entrySet().removeIf(e -> {
      if (stillOut.contains(e.getKey())) {
        return false;
      }
      Report report = e.getValue();
      if (--report.outstanding == 0) {
        detections.report(returned(report, nowMillis, site));
      }
      return true;
    });
  }

  /** See {@link ContainerPermitSites}; remembered per site id, since the answer never changes. */
  private boolean containerInternal(int siteId, IntFunction<String> site) {
    return containerSites.computeIfAbsent(siteId, id -> ContainerPermitSites.isContainerInternal(site.apply(id)));
  }

  /** The acquisitions of one holder at one line. */
  private record Group(StallwatchThreadState owner, int site) {}

  private Detection leak(Report report, long outMillis, String where) {
    HeldPermit p = report.oldest;
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("phase", "leaked");
    details.put("semaphore", LockNames.identity(p.semaphore()));
    details.put("permits", report.permits);
    details.put("acquisitions", report.acquisitions);
    details.put("outMillis", outMillis);
    details.put("thresholdMillis", thresholdMillis);
    details.put("acquiredAt", where);
    details.put("acquiredBy", ThreadDescriptions.describe(p.holderAlive() ? p.thread() : null, p.holderName()));
    if (p.semaphore() instanceof Semaphore s) {
      details.put("availablePermits", s.availablePermits());
    }
    String what = report.permits == 1 ? "A permit" : report.permits + " permits";
    String how = report.acquisitions == 1 ? "" : " in " + report.acquisitions + " acquisitions";
    String message = what + " of " + LockNames.identity(p.semaphore()) + " taken at " + where + how + " by "
        + ThreadDescriptions.inWords(p.holderAlive() ? p.thread() : null, p.holderName())
        + (report.permits == 1 ? " has" : " have") + " not been released for "
        + Durations.format(Duration.ofMillis(outMillis / 1000 * 1000)) + (report.acquisitions == 1 ? "" : " (the oldest)")
        + availability(p) + ".";
    return Detection.of(DetectionKind.PERMIT_LEAK, p.holderName(), message, List.of(where), details);
  }

  private static String availability(HeldPermit p) {
    return p.semaphore() instanceof Semaphore s ? " (" + s.availablePermits() + " permits available now)" : "";
  }

  private Detection returned(Report report, long nowMillis, IntFunction<String> site) {
    HeldPermit p = report.oldest;
    String where = site.apply(p.site());
    long outMillis = nowMillis - p.sinceMillis();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("phase", "returned");
    details.put("semaphore", LockNames.identity(p.semaphore()));
    details.put("permits", report.permits);
    details.put("acquisitions", report.acquisitions);
    details.put("outMillis", outMillis);
    details.put("acquiredAt", where);
    String what = report.permits == 1 ? "The permit" : "The " + report.permits + " permits";
    String message = what + " of " + LockNames.identity(p.semaphore()) + " taken at " + where
        + (report.permits == 1 ? " and reported as leaked was" : " and reported as leaked were") + " returned after "
        + Durations.format(Duration.ofMillis(outMillis / 100 * 100)) + ".";
    return Detection.of(DetectionKind.PERMIT_LEAK, p.holderName(), message, List.of(where), details);
  }
}
