package example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Correct uses of permits, none of which may fail under the extension. */
class GoodTest {
  /** A pool the whole class shares, one permit of it kept from before the first test to after the last. */
  private static final Semaphore POOL = new Semaphore(2);

  @BeforeAll
  static void reserveOneForTheClass() throws InterruptedException {
    POOL.acquire();
  }

  @AfterAll
  static void giveTheReservationBack() {
    POOL.release();
  }

  @Test
  void permitReleasedByAnotherThreadIsNoLeak() throws InterruptedException {
    Semaphore handOff = new Semaphore(1);
    handOff.acquire();
    Thread releaser = new Thread(handOff::release, "releaser");
    releaser.start();
    releaser.join();
    assertEquals(1, handOff.availablePermits());
  }

  @Test
  void permitTakenAndReleasedInTheTest() throws InterruptedException {
    Semaphore s = new Semaphore(1);
    s.acquire();
    try {
      assertEquals(0, s.availablePermits());
    } finally {
      s.release();
    }
  }

  @Test
  void permitKeptByTheClassIsNotThisTestsLeak() {
    assertEquals(1, POOL.availablePermits());
  }

  @Test
  void failedTryAcquireLeavesNothingOut() {
    assertFalse(new Semaphore(0).tryAcquire());
  }
}
