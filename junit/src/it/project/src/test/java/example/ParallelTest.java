package example;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * Tests that run at the same time (junit-platform.properties runs a class's methods concurrently) on one semaphore,
 * each returning what it took: none may be blamed for another's permits.
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
    SHARED.acquire();
    RELEASERS.submit(() -> SHARED.release()).get();
  }

  @AfterAll
  static void stopTheReleasers() {
    RELEASERS.shutdown();
  }
}
