package dev.stallwatch.config;

import java.util.Locale;

/** Every {@code stallwatch.*} setting. The names are the product's interface: keep them exactly. */
public enum ConfigKey {
  DETECTIONS_FILE("stallwatch.detections.file", null,
      "append every detection as one JSON object per line (JSON Lines) to this file"),
  LOCK_WAIT_THRESHOLD("stallwatch.lock.wait.threshold", "1s",
      "a thread waiting longer than this for a lock or permit is a lock_wait detection"),
  PERMIT_LEAK_THRESHOLD("stallwatch.permit.leak.threshold", "60s",
      "a permit out longer than this is a permit_leak detection"),
  RUNAWAY_THRESHOLD("stallwatch.runaway.threshold", "30s",
      "an instrumented operation still running after this is a runaway detection"),
  BLOCKS("stallwatch.blocks", null,
      "block-processing methods: ClassPattern#methodPattern[=duration], comma-separated, * wildcards"),
  DEADLOCK_INTERVAL("stallwatch.deadlock.interval", "1s", "how often deadlocks are looked for"),
  LOCKS_ENABLED("stallwatch.locks.enabled", "true",
      "java.util.concurrent lock hooks: lock waits, locks of dead threads, lock wait metrics, semaphore self-deadlocks"),
  MONITORS_ENABLED("stallwatch.monitors.enabled", "true", "waits to enter synchronized, watched while they last"),
  PERMITS_ENABLED("stallwatch.permits.enabled", "true",
      "semaphore permit accounting at the application's call sites: permit leaks, semaphore metrics"),
  DEADLOCKS_ENABLED("stallwatch.deadlocks.enabled", "true", "lock-order deadlocks among monitors and locks"),
  BLOCKS_ENABLED("stallwatch.blocks.enabled", "true", "the block methods named by stallwatch.blocks"),
  WEBSOCKET_ENABLED("stallwatch.websocket.enabled", "true", "WebSocket handler spans, metrics and errors"),
  /**
   * Read by the JUnit extension ({@code stallwatch-junit}) in the test JVM, not by the agent (Surefire sets its
   * system properties after the agent has started); known here so that the agent does not call it unknown.
   */
  JUNIT_FAIL_ON("stallwatch.junit.fail.on", "deadlock,permit_leak",
      "the detection kinds that fail a test under StallwatchExtension: deadlock, permit_leak, lock_wait, runaway, "
          + "websocket_error, comma-separated, or none");

  private final String key;
  private final String defaultValue;
  private final String meaning;

  ConfigKey(String key, String defaultValue, String meaning) {
    this.key = key;
    this.defaultValue = defaultValue;
    this.meaning = meaning;
  }

  public String key() {
    return key;
  }

  /** The default as a user would write it, or null when the setting is off unless given. */
  public String defaultValue() {
    return defaultValue;
  }

  public String meaning() {
    return meaning;
  }

  /** {@code stallwatch.lock.wait.threshold} is {@code STALLWATCH_LOCK_WAIT_THRESHOLD} in the environment. */
  public String environmentVariable() {
    return toEnvironmentVariable(key);
  }

  static String toEnvironmentVariable(String key) {
    return key.replace('.', '_').toUpperCase(Locale.ROOT);
  }

  static ConfigKey byKey(String key) {
    for (ConfigKey k : values()) {
      if (k.key.equals(key)) {
        return k;
      }
    }
    return null;
  }

  static ConfigKey byEnvironmentVariable(String name) {
    for (ConfigKey k : values()) {
      if (k.environmentVariable().equals(name)) {
        return k;
      }
    }
    return null;
  }
}
