package dev.stallwatch.bootstrap;

import java.util.concurrent.Callable;

/**
 * Asks {@link StallwatchThreadOrigin} about the thread it runs on, for its own class loader. The test loads it through
 * a separate loader standing in for the agent's, and hands it over as a JDK type (Runnable, Callable).
 */
public final class OriginProbe implements Callable<Boolean>, Runnable {
  public volatile Boolean answer;

  @Override
  public Boolean call() {
    return StallwatchThreadOrigin.startedByAgent(OriginProbe.class.getClassLoader());
  }

  @Override
  public void run() {
    answer = call();
  }
}
