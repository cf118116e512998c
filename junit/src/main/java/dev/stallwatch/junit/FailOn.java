package dev.stallwatch.junit;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The setting {@code stallwatch.junit.fail.on}: which detection kinds fail a test. Read as every stallwatch setting
 * is (a system property, else the environment variable {@code STALLWATCH_JUNIT_FAIL_ON}; a bad value is one line
 * naming it, and the default is used), but here, in the test JVM, once, at the first test's end: Surefire sets its
 * {@code systemPropertyVariables} after the agent has started, so the agent could not read them.
 *
 * <p>By default a leaked permit and a deadlock fail the test: either is a bug whatever the machine's speed. A lock
 * wait, a runaway operation and a WebSocket handler error depend on thresholds and on what the test means to
 * provoke, so they are opt-in.
 */
record FailOn(Set<String> kinds) {
  static final String KEY = "stallwatch.junit.fail.on";
  static final String ENVIRONMENT_VARIABLE = "STALLWATCH_JUNIT_FAIL_ON";
  static final String DEFAULT = "deadlock,permit_leak";
  static final List<String> KINDS = List.of("deadlock", "permit_leak", "lock_wait", "runaway", "websocket_error");
  private static final String NONE = "none";

  private static final class Holder {
    static final FailOn CURRENT = load(System.getProperties(), System.getenv(), AgentScopes::say);
  }

  static FailOn get() {
    return Holder.CURRENT;
  }

  static FailOn load(Properties systemProperties, Map<String, String> environment, Consumer<String> warnings) {
    String value = systemProperties.getProperty(KEY);
    String source = KEY;
    if (value == null) {
      value = environment.get(ENVIRONMENT_VARIABLE);
      source = ENVIRONMENT_VARIABLE;
    }
    if (value == null) {
      return parse(DEFAULT);
    }
    FailOn parsed = parse(value);
    if (parsed == null) {
      warnings.accept("config: " + source + "=" + value + " is not a list of detection kinds (write some of "
          + String.join(", ", KINDS) + ", comma-separated, or " + NONE + "); using the default " + DEFAULT);
      return parse(DEFAULT);
    }
    return parsed;
  }

  /** The kinds {@code value} names, or null when it names anything else or nothing at all. */
  private static FailOn parse(String value) {
    Set<String> kinds = new LinkedHashSet<>();
    String trimmed = value.trim().toLowerCase(Locale.ROOT);
    if (trimmed.equals(NONE)) {
      return new FailOn(Set.of());
    }
    for (String part : trimmed.split(",")) {
      String kind = part.trim();
      if (!KINDS.contains(kind)) {
        return null;
      }
      kinds.add(kind);
    }
    return new FailOn(Set.copyOf(kinds));
  }
}
