package dev.stallwatch.testapps;

/** Runs its block method, prints {@code ready}, and then idles until the test ends it. */
public final class BlockHint {
  public static void main(String[] args) throws Exception {
    processBlock();
    System.out.println("ready");
    Thread.sleep(Long.MAX_VALUE);
  }

  static void processBlock() {
    System.out.println("processing");
  }
}
