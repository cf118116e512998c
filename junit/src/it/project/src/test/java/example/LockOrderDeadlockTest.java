package example;

import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * Two transfers that lock two accounts in opposite orders, in the background: a lock-order deadlock the test never
 * notices, because it waits a moment for them and moves on.
 */
class LockOrderDeadlockTest {
  private final Object checking = new Object();
  private final Object savings = new Object();

  @Test
  void opposingTransfersDeadlock() throws InterruptedException {
    CountDownLatch bothHoldOne = new CountDownLatch(2);
    Thread toSavings = transfer(checking, savings, bothHoldOne, "transfer-to-savings");
    Thread toChecking = transfer(savings, checking, bothHoldOne, "transfer-to-checking");
    toSavings.join(200);
    toChecking.join(200);
  }

  private static Thread transfer(Object from, Object to, CountDownLatch bothHoldOne, String name) {
    Thread thread = new Thread(() -> {
      synchronized (from) {
        bothHoldOne.countDown();
        try {
          bothHoldOne.await();
        } catch (InterruptedException e) {
          return;
        }
        synchronized (to) {
          to.notifyAll(); // LOCK-ORDER-SITE: the line a thread blocked entering the block above is shown at
        }
      }
    }, name);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }
}
