package dev.stallwatch.sample.demo;

/**
 * A demo scenario: the same editing traffic against the service with one fault switched on, and the detection kind
 * stallwatch should answer it with.
 */
public enum Scenario {
  HEALTHY("none", null, "no fault: provider timeouts that give their slot back, idle pools, split blocks"),
  PERMIT_LEAK("permit-leak", "permit_leak", "a provider slot is not given back when the provider times out"),
  METRICS_SELF_DEADLOCK("metrics-self-deadlock", "deadlock",
      "the metrics summary takes its own Semaphore(1) a second time"),
  LOCK_ORDER_DEADLOCK("lock-order-deadlock", "deadlock",
      "the cache janitor and a closing session lock the cache and the registry in opposite orders"),
  RUNAWAY_BLOCK("runaway-block", "runaway", "a block the provider rejects is retried for ten seconds"),
  HANDLER_CRASH("handler-crash", "websocket_error", "a document without a title makes the handler throw (1011)"),
  HOT_LOCK("hot-lock", "lock_wait", "usage is written to the slow billing store while the usage lock is held");

  public final String fault;
  /** The detection kind this scenario must produce; null for none at all. */
  public final String expectedKind;
  public final String story;

  Scenario(String fault, String expectedKind, String story) {
    this.fault = fault;
    this.expectedKind = expectedKind;
    this.story = story;
  }

  public static Scenario named(String name) {
    for (Scenario s : values()) {
      if (s.fault.equals(name) || s.name().equalsIgnoreCase(name)) {
        return s;
      }
    }
    throw new IllegalArgumentException("no scenario " + name + "; the scenarios are healthy and the fault names");
  }

  public String label() {
    return this == HEALTHY ? "healthy" : fault;
  }
}
