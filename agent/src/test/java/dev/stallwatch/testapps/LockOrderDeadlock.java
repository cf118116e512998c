package dev.stallwatch.testapps;

import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Two threads take two locks in opposite orders and deadlock. {@code monitor} uses {@code synchronized}, {@code lock}
 * uses {@link ReentrantLock}. Prints {@code deadlock formed at <epoch millis>} once both threads are stuck, then waits
 * forever; the test ends it.
 */
public final class LockOrderDeadlock {
  public static void main(String[] args) throws Exception {
    boolean monitors = args.length == 0 || args[0].equals("monitor");
    CyclicBarrier bothHoldTheirFirstLock = new CyclicBarrier(2);
    Thread a;
    Thread b;
    if (monitors) {
      Object accounts = new Object();
      Object ledger = new Object();
      a = new Thread(() -> nestedMonitors(accounts, ledger, bothHoldTheirFirstLock), "transfer-worker");
      b = new Thread(() -> nestedMonitors(ledger, accounts, bothHoldTheirFirstLock), "audit-worker");
    } else {
      Lock accounts = new ReentrantLock();
      Lock ledger = new ReentrantLock();
      a = new Thread(() -> nestedLocks(accounts, ledger, bothHoldTheirFirstLock), "transfer-worker");
      b = new Thread(() -> nestedLocks(ledger, accounts, bothHoldTheirFirstLock), "audit-worker");
    }
    a.setDaemon(true);
    b.setDaemon(true);
    a.start();
    b.start();
    Thread.State stuck = monitors ? Thread.State.BLOCKED : Thread.State.WAITING;
    while (a.getState() != stuck || b.getState() != stuck) {
      Thread.sleep(1);
    }
    System.out.println("deadlock formed at " + System.currentTimeMillis());
    Thread.sleep(Long.MAX_VALUE);
  }

  private static void nestedMonitors(Object first, Object second, CyclicBarrier barrier) {
    synchronized (first) {
      await(barrier);
      synchronized (second) {
        System.out.println("unreachable");
      }
    }
  }

  private static void nestedLocks(Lock first, Lock second, CyclicBarrier barrier) {
    first.lock();
    try {
      await(barrier);
      second.lock();
      second.unlock();
    } finally {
      first.unlock();
    }
  }

  private static void await(CyclicBarrier barrier) {
    try {
      barrier.await();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
