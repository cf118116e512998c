package example;

import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.Test;

/**
 * The seed's recursive-lock bug: a Semaphore(1) used as a lock, taken again by the thread that holds it. The test
 * starts the refresh in the background, gives it a moment and moves on, so it passes without stallwatch.
 */
class SelfDeadlockTest {
  @Test
  void backgroundRefreshTakesItsOwnLockTwice() throws InterruptedException {
    Semaphore lock = new Semaphore(1);
    Thread refresher = new Thread(() -> {
      try {
        lock.acquire();
        refreshEntry(lock);
        lock.release();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "cache-refresher");
    refresher.setDaemon(true);
    refresher.start();
    refresher.join(200);
  }

  private static void refreshEntry(Semaphore lock) throws InterruptedException {
    lock.acquire(); // SELF-DEADLOCK-SITE
    lock.release();
  }
}
