package dev.stallwatch.testapps;

import java.util.concurrent.Semaphore;

/**
 * One thread takes {@code args[0]} permits one at a time and keeps them all, more than a thread's permit ledger holds
 * (4096 entries), then gives them back; the agent must say it could not account the rest, not stay silent.
 */
public final class HoardedPermits {
  public static void main(String[] args) throws Exception {
    int count = Integer.parseInt(args[0]);
    Semaphore pool = new Semaphore(count);
    for (int i = 0; i < count; i++) {
      pool.acquire();
    }
    System.out.println("hoarded " + count);
    Thread.sleep(2_500);
    pool.release(count);
    System.out.println("done");
  }
}
