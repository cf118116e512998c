package dev.stallwatch.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as users write them: {@code 250ms}, {@code 2s}, {@code 1.5s}, {@code 1m}, {@code 1h}, or bare milliseconds. */
public final class Durations {
  private static final Pattern DURATION = Pattern.compile("(\\d{1,15}(?:\\.\\d{1,6})?)\\s*(ms|s|m|h)?");

  private Durations() {}

  /**
   * Parses a duration; a negative or zero value is rejected because every stallwatch duration is a threshold or an
   * interval, where zero would mean "report everything" or "spin".
   *
   * @throws IllegalArgumentException naming what is wrong, in words fit for the config warning
   */
  public static Duration parse(String text) {
    String trimmed = text.trim().toLowerCase(Locale.ROOT);
    if (trimmed.startsWith("-")) {
      throw new IllegalArgumentException("is negative");
    }
    Matcher m = DURATION.matcher(trimmed);
    if (!m.matches()) {
      throw new IllegalArgumentException("is not a duration (write 250ms, 2s, 1m, 1h or plain milliseconds)");
    }
    double amount = Double.parseDouble(m.group(1));
    String unit = m.group(2) == null ? "ms" : m.group(2);
    double millis = switch (unit) {
      case "ms" -> amount;
      case "s" -> amount * 1_000;
      case "m" -> amount * 60_000;
      default -> amount * 3_600_000;
    };
    if (millis < 1) {
      throw new IllegalArgumentException("is shorter than 1ms");
    }
    if (millis > Duration.ofDays(365).toMillis()) {
      throw new IllegalArgumentException("is longer than a year");
    }
    return Duration.ofMillis(Math.round(millis));
  }

  /** The shortest exact way to write a duration back: {@code 1s}, {@code 250ms}, {@code 2m}. */
  public static String format(Duration d) {
    long ms = d.toMillis();
    if (ms % 3_600_000 == 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms % 60_000 == 0) {
      return ms / 60_000 + "m";
    }
    if (ms % 1_000 == 0) {
      return ms / 1_000 + "s";
    }
    return ms + "ms";
  }
}
