package dev.stallwatch;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * The launcher's questions about the OpenTelemetry Java agent, answered from the boot class loader alone (the
 * launcher runs in the application's class loader, or in that agent's extension loader, and must stay free of any
 * OpenTelemetry type).
 *
 * <p>That agent appends its bootstrap jar to the boot class path in its {@code premain} and sets its
 * {@code GlobalOpenTelemetry} there, relocated under {@code io.opentelemetry.javaagent.shaded}, before any later
 * {@code -javaagent} runs. When it has, stallwatch loads {@code core-otel.jar}, its own classes compiled against
 * exactly that relocated API, so its spans, metrics and logs go through that agent's SDK and its spans are current
 * in that agent's context. Named {@code StallwatchAgent*} because the build ships exactly those classes outside
 * {@code core.jar}.
 */
final class StallwatchAgentOtelLink {
  private static final String SHADED_API = "io.opentelemetry.javaagent.shaded.io.opentelemetry.api.";
  private static final String API_VERSION_RESOURCE =
      SHADED_API.replace('.', '/') + "version.properties";
  /** A hook class the launcher defines into {@code java.base}: once there, stallwatch runs in this JVM. */
  private static final String HOOK_CLASS = "java.util.concurrent.locks.StallwatchRegistry";
  private static final String EXTENSIONS_KEY = "otel.javaagent.extensions";

  private StallwatchAgentOtelLink() {}

  /**
   * True when stallwatch already runs in this JVM, from any class loader: as {@code -javaagent} and as an extension
   * of the OpenTelemetry agent at once, each launcher has its own statics, but only one set of hooks.
   */
  static boolean hooksDefined() {
    try {
      Class.forName(HOOK_CLASS, false, null);
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  /**
   * True when the OpenTelemetry Java agent has set up its OpenTelemetry and its API is at least the one
   * {@code core-otel.jar} was compiled against ({@code Stallwatch-OpenTelemetry-Api} in this jar's manifest).
   * Says in one line why not when that agent is there but cannot be joined.
   */
  static boolean joinable(Manifest manifest) {
    Class<?> global;
    try {
      global = Class.forName(SHADED_API + "GlobalOpenTelemetry", false, null);
    } catch (ClassNotFoundException e) {
      return false;
    }
    try {
      if (!Boolean.TRUE.equals(global.getMethod("isSet").invoke(null))) {
        System.err.println("[stallwatch] the OpenTelemetry Java agent is present but has set up no OpenTelemetry; "
            + "stallwatch exports with its own SDK");
        return false;
      }
    } catch (ReflectiveOperationException | LinkageError e) {
      System.err.println("[stallwatch] cannot ask the OpenTelemetry Java agent for its OpenTelemetry (" + e
          + "); stallwatch exports with its own SDK");
      return false;
    }
    String needed = manifest == null ? null : manifest.getMainAttributes().getValue("Stallwatch-OpenTelemetry-Api");
    String present = agentApiVersion();
    if (needed != null && present != null && compareVersions(present, needed) < 0) {
      System.err.println("[stallwatch] the OpenTelemetry Java agent carries OpenTelemetry API " + present
          + ", older than the " + needed + " stallwatch needs to join it; stallwatch exports with its own SDK");
      return false;
    }
    return true;
  }

  private static String agentApiVersion() {
    try (InputStream in = ClassLoader.getSystemResourceAsStream(API_VERSION_RESOURCE)) {
      if (in == null) {
        return null;
      }
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("sdk.version");
    } catch (IOException e) {
      return null;
    }
  }

  /** Compares dotted release numbers ({@code 1.67.0}, {@code 1.63.0-alpha}) by their numeric parts. */
  static int compareVersions(String a, String b) {
    String[] left = a.split("[.-]");
    String[] right = b.split("[.-]");
    for (int i = 0; i < Math.min(3, Math.max(left.length, right.length)); i++) {
      int difference = Integer.compare(number(left, i), number(right, i));
      if (difference != 0) {
        return difference;
      }
    }
    return 0;
  }

  private static int number(String[] parts, int index) {
    try {
      return index < parts.length ? Integer.parseInt(parts[index]) : 0;
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /**
   * The stallwatch jar among the OpenTelemetry agent's configured extensions (files or directories, comma-separated,
   * as that agent reads {@code otel.javaagent.extensions} or {@code OTEL_JAVAAGENT_EXTENSIONS}), or null.
   */
  static File extensionJar() {
    String setting = System.getProperty(EXTENSIONS_KEY);
    if (setting == null) {
      setting = System.getenv("OTEL_JAVAAGENT_EXTENSIONS");
    }
    if (setting == null) {
      return null;
    }
    List<File> candidates = new ArrayList<>();
    for (String location : setting.split(",")) {
      File file = new File(location.trim());
      File[] inDirectory = file.isDirectory() ? file.listFiles((dir, name) -> name.endsWith(".jar")) : null;
      if (inDirectory != null) {
        candidates.addAll(List.of(inDirectory));
      } else if (file.isFile()) {
        candidates.add(file);
      }
    }
    for (File candidate : candidates) {
      try (JarFile jar = new JarFile(candidate)) {
        if (jar.getEntry("stallwatch/core.jar") != null && jar.getEntry("stallwatch/core-otel.jar") != null) {
          return candidate;
        }
      } catch (IOException e) {
        // not a jar stallwatch can read; look at the next one
      }
    }
    return null;
  }
}
