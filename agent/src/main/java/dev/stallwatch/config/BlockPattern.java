package dev.stallwatch.config;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * One entry of {@code stallwatch.blocks}: {@code ClassPattern#methodPattern[=duration]}.
 *
 * <p>{@code *} matches any run of characters in either part. A class pattern without a package ({@code Pipeline})
 * matches the simple class name, one with a package ({@code com.acme.*Rewriter}) the fully qualified name.
 *
 * @param runawayThreshold the per-pattern runaway threshold, or null to use {@code stallwatch.runaway.threshold}
 */
public record BlockPattern(String classPattern, String methodPattern, Duration runawayThreshold) {
  private static final Pattern CLASS_PART = Pattern.compile("[A-Za-z_$*][A-Za-z0-9_$*]*(\\.[A-Za-z_$*][A-Za-z0-9_$*]*)*");
  private static final Pattern METHOD_PART = Pattern.compile("[A-Za-z_$*][A-Za-z0-9_$*]*");

  /**
   * Parses one entry.
   *
   * @throws IllegalArgumentException saying what is wrong with it
   */
  public static BlockPattern parse(String entry) {
    String text = entry.trim();
    Duration threshold = null;
    int eq = text.indexOf('=');
    if (eq >= 0) {
      String duration = text.substring(eq + 1).trim();
      try {
        threshold = Durations.parse(duration);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("has a duration '" + duration + "' that " + e.getMessage());
      }
      text = text.substring(0, eq).trim();
    }
    int hash = text.indexOf('#');
    if (hash < 0 || hash != text.lastIndexOf('#')) {
      throw new IllegalArgumentException("is not ClassPattern#methodPattern");
    }
    String classPart = text.substring(0, hash).trim();
    String methodPart = text.substring(hash + 1).trim();
    if (!CLASS_PART.matcher(classPart).matches()) {
      throw new IllegalArgumentException("has an invalid class pattern '" + classPart + "'");
    }
    if (!METHOD_PART.matcher(methodPart).matches()) {
      throw new IllegalArgumentException("has an invalid method pattern '" + methodPart + "'");
    }
    return new BlockPattern(classPart, methodPart, threshold);
  }

  /** Whether the class pattern names a package and so is matched against fully qualified names. */
  public boolean qualified() {
    return classPattern.indexOf('.') >= 0;
  }

  /**
   * A pattern without a package matches the simple name, and for a nested class also its own name alone:
   * {@code Inner} and {@code Outer$Inner} both match {@code com.acme.Outer$Inner}.
   */
  public boolean matchesClass(String className) {
    if (qualified()) {
      return Wildcards.matches(classPattern, className);
    }
    String simple = className.substring(className.lastIndexOf('.') + 1);
    int nested = simple.lastIndexOf('$');
    return Wildcards.matches(classPattern, simple)
        || (nested >= 0 && Wildcards.matches(classPattern, simple.substring(nested + 1)));
  }

  public boolean matchesMethod(String methodName) {
    return Wildcards.matches(methodPattern, methodName);
  }

  @Override
  public String toString() {
    return classPattern + "#" + methodPattern + (runawayThreshold == null ? "" : "=" + Durations.format(runawayThreshold));
  }
}
