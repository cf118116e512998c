package dev.stallwatch.report;

/** What stallwatch reports. The wire names ({@link #wireName()}) are part of the product's interface. */
public enum DetectionKind {
  /** A thread waiting longer than the threshold for a lock or a permit. */
  LOCK_WAIT("lock_wait"),
  /** A cycle of threads each waiting for a lock another holds, or a thread waiting on permits it holds itself. */
  DEADLOCK("deadlock"),
  /** A semaphore permit acquired and not released within the threshold. */
  PERMIT_LEAK("permit_leak"),
  /** An instrumented operation still running past its budget. */
  RUNAWAY("runaway"),
  /** A WebSocket handler that threw, or an error the container reported to a handler. */
  WEBSOCKET_ERROR("websocket_error");

  private final String wireName;

  DetectionKind(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }
}
