package dev.stallwatch.testapps;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;

/**
 * 10,000 virtual threads each take and return a permit, except the one numbered {@code leaky}, which forgets. Needs
 * JDK 21+; written against JDK 17 APIs, so the virtual-thread executor is found by reflection.
 */
public final class VirtualThreadPermitLeak {
  private static final Semaphore CONNECTIONS = new Semaphore(64);

  public static void main(String[] args) throws Exception {
    int tasks = Integer.parseInt(args[0]);
    int leaky = Integer.parseInt(args[1]);
    ExecutorService executor =
        (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
    for (int i = 0; i < tasks; i++) {
      int n = i;
      executor.submit(() -> {
        handle(n == leaky);
        return null;
      });
    }
    executor.shutdown();
    executor.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES);
    System.out.println("all " + tasks + " tasks done; available " + CONNECTIONS.availablePermits());
    Thread.sleep(Long.MAX_VALUE);
  }

  static void handle(boolean forget) throws InterruptedException {
    CONNECTIONS.acquire();
    if (forget) {
      return;
    }
    CONNECTIONS.release();
  }
}
