package dev.stallwatch.log;

import java.io.PrintStream;

/**
 * The agent's own voice on stderr: every line starts with {@code [stallwatch]} so an operator can grep it and tell it
 * from the application's output. Never throws.
 */
public final class AgentLog {
  public static final String PREFIX = "[stallwatch] ";

  private AgentLog() {}

  public static void line(String message) {
    try {
      PrintStream err = System.err;
      err.println(PREFIX + message);
    } catch (Throwable ignored) {
      // stderr closed or replaced by something broken: nothing sensible is left to do
    }
  }
}
