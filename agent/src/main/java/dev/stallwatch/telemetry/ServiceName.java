package dev.stallwatch.telemetry;

import java.nio.file.Paths;

/**
 * A meaningful default for {@code service.name} when the user sets none: the application jar's name for
 * {@code java -jar app.jar}, otherwise the main class. "unknown_service:java" tells an operator nothing.
 */
public final class ServiceName {
  private ServiceName() {}

  public static String guess() {
    return fromCommand(System.getProperty("sun.java.command", ""));
  }

  static String fromCommand(String command) {
    String first = command.trim().split("\\s+", 2)[0];
    if (first.isEmpty()) {
      return "java";
    }
    if (first.endsWith(".jar")) {
      String file = Paths.get(first).getFileName().toString();
      return file.substring(0, file.length() - ".jar".length());
    }
    return first;
  }
}
