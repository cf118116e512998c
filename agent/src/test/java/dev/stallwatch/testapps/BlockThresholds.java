package dev.stallwatch.testapps;

/** Two blocks that each take 1.2 s, one after the other, for per-pattern runaway thresholds. */
public final class BlockThresholds {
  public static void main(String[] args) throws Exception {
    quickBudget();
    defaultBudget();
    System.out.println("done");
    Thread.sleep(500);
  }

  static void quickBudget() throws InterruptedException {
    Thread.sleep(1_200);
  }

  static void defaultBudget() throws InterruptedException {
    Thread.sleep(1_200);
  }
}
