package dev.stallwatch.testapps;

/**
 * One block, {@code processBlock}, that spends its time in {@code slowInnerStep}. Arguments: how long the block runs
 * in ms (default 4000). Prints {@code block started at <epoch ms>} and {@code block ended at <epoch ms>}, then waits
 * a moment so the agent can report the end before the JVM exits.
 */
public final class BlockRunaway {
  public static void main(String[] args) throws Exception {
    long millis = args.length > 0 ? Long.parseLong(args[0]) : 4000;
    System.out.println("block started at " + System.currentTimeMillis());
    new BlockRunaway().processBlock(millis);
    System.out.println("block ended at " + System.currentTimeMillis());
    Thread.sleep(1_000);
  }

  void processBlock(long millis) throws InterruptedException {
    slowInnerStep(millis);
  }

  private static void slowInnerStep(long millis) throws InterruptedException {
    Thread.sleep(millis);
  }
}
