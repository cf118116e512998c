package dev.stallwatch.locks;

import dev.stallwatch.config.Durations;
import dev.stallwatch.report.Detection;
import dev.stallwatch.report.DetectionKind;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one follow-up a reported lock wait gets: that it is over, after how long in all, and how many waits like it at
 * its site were held back by the rate limit meanwhile (as HikariCP says a leaked connection was returned). The same
 * form for monitors and for java.util.concurrent locks.
 */
final class LockWaitEnded {
  private LockWaitEnded() {}

  /**
   * @param reported the {@code phase: "waiting"} detection this follows
   * @param what what was waited for, as the report said it: "to enter synchronized on X", "for the write lock of Y"
   */
  static Detection of(Detection reported, String what, long waitedMillis, long suppressed) {
    Map<String, Object> details = new LinkedHashMap<>();
    for (String key : new String[] {"lock", "lockClass", "monitor"}) {
      if (reported.details().containsKey(key)) {
        details.put(key, reported.details().get(key));
      }
    }
    details.put("phase", "ended");
    details.put("waitedMillis", waitedMillis);
    details.put("thresholdMillis", reported.details().get("thresholdMillis"));
    StringBuilder message = new StringBuilder("The wait of thread \"").append(reported.thread()).append("\" ")
        .append(what).append(", reported earlier, ended after ")
        .append(Durations.format(Duration.ofMillis(waitedMillis / 100 * 100))).append('.');
    HeldBackWaits.note(message, details, suppressed, true);
    return Detection.of(DetectionKind.LOCK_WAIT, reported.thread(), message.toString(), reported.stack(), details)
        .onSpan(reported.span());
  }
}
