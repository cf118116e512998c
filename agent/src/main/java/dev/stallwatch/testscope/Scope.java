package dev.stallwatch.testscope;

import dev.stallwatch.report.Detection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One test between its start and its end: the thread it runs on, the permits already out when it started (never its
 * leaks), and the detections reported while it ran.
 */
final class Scope {
  final long token;
  final String testId;
  final Thread thread;
  final Set<Acquisition> outAtStart;
  final List<Detection> found = new CopyOnWriteArrayList<>();

  Scope(long token, String testId, Thread thread, Set<Acquisition> outAtStart) {
    this.token = token;
    this.testId = testId;
    this.thread = thread;
    this.outAtStart = outAtStart;
  }

  /** One acquisition of permits, across scans: its owner's thread state (by identity) and the owner's sequence. */
  record Acquisition(Object owner, long id) {}
}
