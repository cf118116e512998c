package dev.stallwatch.testapps;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The seed bug: a bounded pool of provider slots where the timeout path returns without releasing its slot. Calls
 * the provider {@code calls} times; call number {@code slowCall} times out. With "return-late", the lost slot is
 * released by another thread {@code lateMillis} later.
 */
public final class PermitLeakOnTimeout {
  private static final Semaphore PROVIDER_SLOTS = new Semaphore(4);
  private static final ExecutorService PROVIDER = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "provider");
    t.setDaemon(true);
    return t;
  });

  public static void main(String[] args) throws Exception {
    int calls = Integer.parseInt(args[0]);
    int slowCall = Integer.parseInt(args[1]);
    long lateMillis = args.length > 2 ? Long.parseLong(args[2]) : -1;
    for (int i = 0; i < calls; i++) {
      rewriteBlock("block " + i, i == slowCall);
    }
    System.out.println("calls done; available " + PROVIDER_SLOTS.availablePermits());
    if (lateMillis >= 0) {
      Thread.sleep(lateMillis);
      Thread janitor = new Thread(PROVIDER_SLOTS::release, "janitor");
      janitor.start();
      janitor.join();
      System.out.println("released late");
    }
    Thread.sleep(Long.MAX_VALUE);
  }

  static String rewriteBlock(String block, boolean slow) throws Exception {
    PROVIDER_SLOTS.acquire();
    Future<String> answer = PROVIDER.submit(() -> {
      Thread.sleep(slow ? 2_000 : 0);
      return block.toUpperCase();
    });
    try {
      String rewritten = answer.get(500, TimeUnit.MILLISECONDS);
      PROVIDER_SLOTS.release();
      return rewritten;
    } catch (TimeoutException e) {
      answer.cancel(true);
      return block; // BUG: the slot is never released on this path
    }
  }
}
