package example;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * Tests that run at the same time (junit-platform.properties runs a class's methods concurrently) on one semaphore,
 * each returning what it took: none may be blamed for another's permits. The hand-off to a pool thread uses a semaphore
 * of its own: a release by a thread that held no permit, while other threads take and return permits of the same
 * semaphore at the same moment, can be lost by the agent's ledger (a cancellation posted for an entry its owner has
 * just released itself: docs/architecture.md, "Test scopes"); this test is about attribution, not that race.
 */
class ParallelTest {
  private static final Semaphore SHARED = new Semaphore(2);
  private static final ExecutorService RELEASERS = Executors.newFixedThreadPool(2);

  @RepeatedTest(6)
  void eachTestReturnsWhatItTookWhileOthersHoldTheirs() throws InterruptedException {
    SHARED.acquire();
    try {
      Thread.sleep(50);
    } finally {
      SHARED.release();
    }
  }

  @Test
  void permitReleasedOnAPoolThreadWhileOthersRun() throws Exception {
    Semaphore handedOff = new Semaphore(1);
    handedOff.acquire();
    RELEASERS.submit(() -> handedOff.release()).get();
  }

  @AfterAll
  static void stopTheReleasers() {
    RELEASERS.shutdown();
  }
}
