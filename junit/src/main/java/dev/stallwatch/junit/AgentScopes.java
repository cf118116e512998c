package dev.stallwatch.junit;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * The extension's side of the agent's test scope interface, {@code java.util.concurrent.locks.StallwatchTestScope}:
 * found by name in the boot class loader (the agent defines it into {@code java.base}), called through method
 * handles, so the extension compiles and loads without the agent. When it is not there, or speaks another interface
 * version, this says so once on stderr and every call does nothing.
 */
final class AgentScopes {
  static final String INTERFACE = "java.util.concurrent.locks.StallwatchTestScope";
  /** The interface version this extension was written against; another one is not called. */
  static final int VERSION = 1;

  private static final AgentScopes INSTANCE = connect();

  private final MethodHandle begin;
  private final MethodHandle end;

  private AgentScopes(MethodHandle begin, MethodHandle end) {
    this.begin = begin;
    this.end = end;
  }

  static AgentScopes get() {
    return INSTANCE;
  }

  boolean attached() {
    return begin != null;
  }

  /** Opens the scope of one test on the calling thread; -1 when none could be opened. */
  long begin(String testId) {
    try {
      return (long) begin.invokeExact(testId);
    } catch (Throwable t) {
      return -1;
    }
  }

  /** Closes the scope and returns its findings as JSON objects; none when that failed. */
  String[] end(long token) {
    try {
      return (String[]) end.invokeExact(token);
    } catch (Throwable t) {
      return new String[0];
    }
  }

  private static AgentScopes connect() {
    Class<?> scope;
    try {
      scope = Class.forName(INTERFACE, false, null);
    } catch (ClassNotFoundException e) {
      say("stallwatch is not attached to this JVM, so StallwatchExtension checks nothing: add "
          + "-javaagent:/path/to/stallwatch-agent.jar to the test JVM (Surefire's argLine, Gradle's jvmArgs)");
      return new AgentScopes(null, null);
    }
    try {
      MethodHandles.Lookup lookup = MethodHandles.publicLookup();
      int version = (int) lookup.findStatic(scope, "interfaceVersion", MethodType.methodType(int.class)).invokeExact();
      if (version != VERSION) {
        say("the stallwatch agent attached to this JVM speaks test scope interface " + version + ", this "
            + "StallwatchExtension speaks " + VERSION + ": use an agent and an extension of the same release; "
            + "the extension checks nothing");
        return new AgentScopes(null, null);
      }
      boolean available = (boolean) lookup.findStatic(scope, "available", MethodType.methodType(boolean.class))
          .invokeExact();
      if (!available) {
        say("the stallwatch agent is attached but did not start (see its [stallwatch] line above), so "
            + "StallwatchExtension checks nothing");
        return new AgentScopes(null, null);
      }
      return new AgentScopes(
          lookup.findStatic(scope, "begin", MethodType.methodType(long.class, String.class)),
          lookup.findStatic(scope, "end", MethodType.methodType(String[].class, long.class)));
    } catch (Throwable t) {
      say("could not use the stallwatch agent's test scope interface (" + t + "), so StallwatchExtension checks "
          + "nothing");
      return new AgentScopes(null, null);
    }
  }

  static void say(String line) {
    System.err.println("[stallwatch] " + line);
  }
}
