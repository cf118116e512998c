package dev.stallwatch.locks;

import java.util.Map;

/**
 * How every lock-wait report says that the site's rate limit held others back: the {@code suppressed} field and the
 * sentence that goes with it, in one place for the live, the ended and the flight-recorder reports.
 */
final class HeldBackWaits {
  private HeldBackWaits() {}

  /**
   * Adds {@code suppressed} and its sentence when any were held back.
   *
   * @param meanwhile whether they were held back while the reported wait lasted (its "ended" record) rather than
   *     since the site's previous report
   */
  static void note(StringBuilder message, Map<String, Object> details, long suppressed, boolean meanwhile) {
    if (suppressed > 0) {
      details.put("suppressed", suppressed);
      message.append(" (").append(suppressed).append(" similar waits at this site ")
          .append(meanwhile ? "meanwhile were not reported)" : "were not reported)");
    }
  }
}
