package dev.stallwatch.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Reads {@code stallwatch.*} settings from the agent's arguments ({@link AgentArguments}), system properties and
 * {@code STALLWATCH_*} environment variables (in that order of precedence: the agent's arguments are the only settings
 * a late attach can give, and the most specific at a start), and turns every bad value into one warning naming the key, the value and what is used instead. It
 * never fails: the application must start whatever the configuration says.
 */
public final class ConfigLoader {
  private static final String PROPERTY_PREFIX = "stallwatch.";
  private static final String ENV_PREFIX = "STALLWATCH_";

  private final Consumer<String> warnings;
  /** Where each raw value came from, for messages: {@code stallwatch.x} or {@code STALLWATCH_X}. */
  private final Map<ConfigKey, String> sourceNames = new EnumMap<>(ConfigKey.class);
  private final Map<ConfigKey, String> rawValues = new EnumMap<>(ConfigKey.class);

  private ConfigLoader(Consumer<String> warnings) {
    this.warnings = warnings;
  }

  /** Loads the configuration; each problem is passed to {@code warnings} as one line of text. */
  public static StallwatchConfig load(Properties systemProperties, Map<String, String> environment,
      Consumer<String> warnings) {
    return load(Map.of(), systemProperties, environment, warnings);
  }

  /**
   * Loads the configuration with the agent's arguments ({@link AgentArguments#parse}) over system properties over
   * environment variables; the arguments' {@code otel.*} settings are the SDK's and are not looked at here.
   */
  public static StallwatchConfig load(Map<String, String> agentArguments, Properties systemProperties,
      Map<String, String> environment, Consumer<String> warnings) {
    ConfigLoader loader = new ConfigLoader(warnings);
    loader.collect(systemProperties, environment);
    loader.collectArguments(agentArguments);
    return loader.build();
  }

  private void collectArguments(Map<String, String> agentArguments) {
    for (Map.Entry<String, String> e : agentArguments.entrySet()) {
      if (!e.getKey().startsWith(PROPERTY_PREFIX)) {
        continue;
      }
      ConfigKey key = ConfigKey.byKey(e.getKey());
      if (key == null) {
        warnUnknown(e.getKey(), e.getValue(), false);
      } else {
        rawValues.put(key, e.getValue());
        sourceNames.put(key, e.getKey());
      }
    }
  }

  private void collect(Properties systemProperties, Map<String, String> environment) {
    for (Map.Entry<String, String> e : new TreeMap<>(environment).entrySet()) {
      if (!e.getKey().startsWith(ENV_PREFIX)) {
        continue;
      }
      ConfigKey key = ConfigKey.byEnvironmentVariable(e.getKey());
      if (key == null) {
        warnUnknown(e.getKey(), e.getValue(), true);
      } else {
        rawValues.put(key, e.getValue());
        sourceNames.put(key, e.getKey());
      }
    }
    for (String name : new TreeMap<>(asMap(systemProperties)).keySet()) {
      if (!name.startsWith(PROPERTY_PREFIX)) {
        continue;
      }
      String value = systemProperties.getProperty(name);
      ConfigKey key = ConfigKey.byKey(name);
      if (key == null) {
        warnUnknown(name, value, false);
      } else {
        rawValues.put(key, value);
        sourceNames.put(key, name);
      }
    }
  }

  private static Map<String, String> asMap(Properties properties) {
    Map<String, String> map = new TreeMap<>();
    for (String name : properties.stringPropertyNames()) {
      map.put(name, properties.getProperty(name));
    }
    return map;
  }

  private void warnUnknown(String name, String value, boolean environment) {
    String suggestion = closestKey(name, environment);
    warnings.accept("config: unknown setting " + name + "=" + value + " is ignored"
        + (suggestion == null ? "" : " (did you mean " + suggestion + "?)"));
  }

  private static String closestKey(String name, boolean environment) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (ConfigKey k : ConfigKey.values()) {
      String candidate = environment ? k.environmentVariable() : k.key();
      int d = editDistance(name, candidate);
      if (d < bestDistance) {
        bestDistance = d;
        best = candidate;
      }
    }
    return bestDistance <= 3 ? best : null;
  }

  private static int editDistance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  private StallwatchConfig build() {
    return new StallwatchConfig(
        detectionsFile(),
        duration(ConfigKey.LOCK_WAIT_THRESHOLD),
        duration(ConfigKey.PERMIT_LEAK_THRESHOLD),
        duration(ConfigKey.RUNAWAY_THRESHOLD),
        blocks(),
        duration(ConfigKey.DEADLOCK_INTERVAL),
        enabledFeatures());
  }

  private Set<Feature> enabledFeatures() {
    Set<Feature> enabled = EnumSet.noneOf(Feature.class);
    for (Feature feature : Feature.values()) {
      if (flag(feature.switchKey())) {
        enabled.add(feature);
      }
    }
    return enabled;
  }

  private boolean flag(ConfigKey key) {
    boolean fallback = Boolean.parseBoolean(key.defaultValue());
    String raw = rawValues.get(key);
    if (raw == null) {
      return fallback;
    }
    String value = raw.trim().toLowerCase(java.util.Locale.ROOT);
    if (value.equals("true") || value.equals("false")) {
      return Boolean.parseBoolean(value);
    }
    warnings.accept("config: " + describe(key) + " is neither true nor false; using the default " + key.defaultValue());
    return fallback;
  }

  private String describe(ConfigKey key) {
    return sourceNames.get(key) + "=" + rawValues.get(key);
  }

  private Duration duration(ConfigKey key) {
    Duration fallback = Durations.parse(key.defaultValue());
    String raw = rawValues.get(key);
    if (raw == null) {
      return fallback;
    }
    try {
      return Durations.parse(raw);
    } catch (IllegalArgumentException e) {
      warnings.accept("config: " + describe(key) + " " + e.getMessage() + "; using the default " + key.defaultValue());
      return fallback;
    }
  }

  private Path detectionsFile() {
    String raw = rawValues.get(ConfigKey.DETECTIONS_FILE);
    if (raw == null) {
      return null;
    }
    if (raw.isBlank()) {
      warnings.accept("config: " + describe(ConfigKey.DETECTIONS_FILE)
          + " is empty; detections are not written to a file");
      return null;
    }
    try {
      return Paths.get(raw.trim());
    } catch (InvalidPathException e) {
      warnings.accept("config: " + describe(ConfigKey.DETECTIONS_FILE) + " is not a valid path ("
          + e.getReason() + "); detections are not written to a file");
      return null;
    }
  }

  private List<BlockPattern> blocks() {
    String raw = rawValues.get(ConfigKey.BLOCKS);
    List<BlockPattern> patterns = new ArrayList<>();
    if (raw == null) {
      return patterns;
    }
    for (String entry : raw.split(",")) {
      if (entry.isBlank()) {
        continue;
      }
      try {
        patterns.add(BlockPattern.parse(entry));
      } catch (IllegalArgumentException e) {
        warnings.accept("config: " + sourceNames.get(ConfigKey.BLOCKS) + " entry '" + entry.trim() + "' "
            + e.getMessage() + "; that entry is ignored");
      }
    }
    return patterns;
  }
}
