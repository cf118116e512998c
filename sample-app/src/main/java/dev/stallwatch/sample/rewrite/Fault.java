package dev.stallwatch.sample.rewrite;

/**
 * The bugs this service can be switched into, each one as it shipped in a real block-rewrite service. All are off
 * by default; {@code rewrite.faults=permit-leak,hot-lock} (or {@code REWRITE_FAULTS}) turns some on.
 */
public enum Fault {
  /** A provider slot is given back on the happy path only: every provider timeout loses one for good. */
  PERMIT_LEAK,
  /** The metrics summary takes the metrics guard (a non-reentrant {@code Semaphore(1)}) and then asks for it again. */
  METRICS_SELF_DEADLOCK,
  /** The result-cache janitor asks the session registry while holding the cache's lock; a closing session does the
   *  opposite. */
  LOCK_ORDER_DEADLOCK,
  /** A block the provider rejects as too long is retried with back-off instead of split: about 10 s per block. */
  RUNAWAY_BLOCK,
  /** A document without a title line makes the handler throw; Spring closes the session with 1011. */
  HANDLER_CRASH,
  /** Usage is flushed to the (slow) billing store while the usage lock is held, so every handler queues on it. */
  HOT_LOCK;

  /** The name used in configuration: {@code PERMIT_LEAK} is {@code permit-leak}. */
  public String configName() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }
}
