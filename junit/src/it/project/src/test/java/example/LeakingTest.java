package example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.Test;

/** The seed's first bug, as a passing test would have it: a timeout path returns without releasing its permit. */
class LeakingTest {
  private static final Semaphore CONNECTIONS = new Semaphore(4);

  @Test
  void fetchThatTimesOutReturnsTheFallback() throws InterruptedException {
    assertEquals("fallback", fetch(true));
  }

  private static String fetch(boolean timesOut) throws InterruptedException {
    CONNECTIONS.acquire(); // LEAK-SITE
    if (timesOut) {
      return "fallback"; // the bug: this path never releases
    }
    CONNECTIONS.release();
    return "fetched";
  }
}
