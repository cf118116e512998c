package dev.stallwatch.testapps;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.Semaphore;

/**
 * Runs without the agent until a test attaches it: a block method and permit calls are loaded and used first, so the
 * attach must retransform them. Before the attach: {@code processBlock} runs once, a permit of {@code hoarded} is
 * taken and never returned (unknown to the agent: no report may name it), a permit of {@code returnedLater} is taken.
 * Then it waits for the file {@code args[0]} (the test writes it once the attach returned). After: the permit of
 * {@code returnedLater} is returned, {@code processBlock} runs for 2 s (a runaway under a short threshold) and a permit
 * of {@code leaky} is taken at the same line as the hoarded one and never returned (a leak). Ends after 40 s.
 */
public final class LateAttachProgram {
  static final Semaphore hoarded = new Semaphore(2);
  static final Semaphore returnedLater = new Semaphore(2);
  static final Semaphore leaky = new Semaphore(2);

  public static void main(String[] args) throws Exception {
    processBlock(1);
    take(hoarded);
    take(returnedLater);
    System.out.println("before attach: hoarded " + hoarded.availablePermits() + ", leaky " + leaky.availablePermits()
        + "; waiting");
    awaitFile(Paths.get(args[0]));
    System.out.println("attached");
    returnedLater.release();
    processBlock(2_000);
    System.out.println("block ended");
    take(leaky);
    System.out.println("leaky taken");
    Thread.sleep(40_000);
  }

  static void processBlock(long millis) throws InterruptedException {
    Thread.sleep(millis);
  }

  static void take(Semaphore semaphore) throws InterruptedException {
    semaphore.acquire();
  }

  /** Waits (at most 2 minutes) until the test says the attach returned by writing {@code file}. */
  public static void awaitFile(Path file) throws InterruptedException {
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (!Files.exists(file)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("never attached");
      }
      Thread.sleep(50);
    }
  }
}
