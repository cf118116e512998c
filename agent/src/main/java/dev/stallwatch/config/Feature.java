package dev.stallwatch.config;

/**
 * The parts of the agent a user can switch off one by one ({@code stallwatch.<name>.enabled=false}), as the
 * OpenTelemetry agent has {@code otel.instrumentation.<name>.enabled}: a feature that misbehaves in someone's
 * application must not force them to remove the whole agent. Each is installed on its own, and one that fails to
 * install says so in one line while the others go on.
 */
public enum Feature {
  LOCKS(ConfigKey.LOCKS_ENABLED),
  MONITORS(ConfigKey.MONITORS_ENABLED),
  PERMITS(ConfigKey.PERMITS_ENABLED),
  DEADLOCKS(ConfigKey.DEADLOCKS_ENABLED),
  BLOCKS(ConfigKey.BLOCKS_ENABLED),
  WEBSOCKET(ConfigKey.WEBSOCKET_ENABLED);

  private final ConfigKey switchKey;

  Feature(ConfigKey switchKey) {
    this.switchKey = switchKey;
  }

  /** The setting that switches it, e.g. {@code stallwatch.monitors.enabled}. */
  public ConfigKey switchKey() {
    return switchKey;
  }
}
