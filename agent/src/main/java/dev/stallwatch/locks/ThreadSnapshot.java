package dev.stallwatch.locks;

import dev.stallwatch.bootstrap.StallwatchPermitLedger;
import dev.stallwatch.bootstrap.StallwatchRegistry;
import dev.stallwatch.bootstrap.StallwatchThreadState;
import dev.stallwatch.permits.HeldPermit;
import java.util.ArrayList;
import java.util.List;

/**
 * One walk over every tracked thread: who is waiting for which lock, and which permits are out. Threads that ended
 * holding nothing are forgotten here, so the registry stays as small as the set of live, interesting threads.
 */
final class ThreadSnapshot {
  final List<StallwatchThreadState> waiting = new ArrayList<>();
  final List<HeldPermit> permits = new ArrayList<>();

  static ThreadSnapshot take() {
    ThreadSnapshot snapshot = new ThreadSnapshot();
    StallwatchPermitLedger.Entry entry = new StallwatchPermitLedger.Entry();
    StallwatchThreadState previous = null;
    for (StallwatchThreadState state = StallwatchRegistry.first(); state != null;
        state = StallwatchRegistry.next(state)) {
      Thread thread = state.thread.get();
      boolean alive = thread != null && thread.isAlive();
      if (state.excluded) {
        previous = state;
        continue;
      }
      if (!alive) {
        StallwatchRegistry.forget(state); // its slot in the registry's fast table is free for a new thread
        // Nobody writes this ledger any more, so the watchdog may apply pending cancellations itself.
        state.permits.applyCancellations();
        if (state.permits.size() == 0 && previous != null) {
          StallwatchRegistry.unlink(previous, state);
          continue;
        }
      }
      if (alive && state.waitingOn != null) {
        snapshot.waiting.add(state);
      }
      int size = state.permits.size();
      for (int i = 0; i < size; i++) {
        if (state.permits.read(i, entry)) {
          snapshot.permits.add(new HeldPermit(state, thread, entry.id, entry.semaphore, entry.permits, entry.site,
              entry.sinceMillis));
        }
      }
      previous = state;
    }
    return snapshot;
  }
}
