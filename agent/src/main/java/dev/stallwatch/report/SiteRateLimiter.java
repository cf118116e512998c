package dev.stallwatch.report;

import java.util.HashMap;
import java.util.Map;

/**
 * Keeps a contention storm readable: at most one report per code site per interval; the next report that gets
 * through says how many were held back. Watchdog thread only.
 */
public final class SiteRateLimiter {
  private final long intervalMillis;
  private final Map<String, long[]> lastReportAndSuppressed = new HashMap<>();

  public SiteRateLimiter(long intervalMillis) {
    this.intervalMillis = intervalMillis;
  }

  /** -1 when a report for {@code site} must be held back now, else how many were held back since the last one. */
  public long admit(String site, long nowMillis) {
    long[] state = lastReportAndSuppressed.get(site);
    if (state == null) {
      if (lastReportAndSuppressed.size() > 10_000) {
        lastReportAndSuppressed.clear();
      }
      lastReportAndSuppressed.put(site, new long[] {nowMillis, 0});
      return 0;
    }
    if (nowMillis - state[0] < intervalMillis) {
      state[1]++;
      return -1;
    }
    long suppressed = state[1];
    state[0] = nowMillis;
    state[1] = 0;
    return suppressed;
  }

  /** How many reports for {@code site} were held back since the last one got through; counts them as said. */
  public long takeSuppressed(String site) {
    long[] state = site == null ? null : lastReportAndSuppressed.get(site);
    if (state == null) {
      return 0;
    }
    long suppressed = state[1];
    state[1] = 0;
    return suppressed;
  }
}
