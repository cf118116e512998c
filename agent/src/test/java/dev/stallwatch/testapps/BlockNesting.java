package dev.stallwatch.testapps;

/**
 * Block methods calling block methods: {@code outer} calls {@code inner} twice, {@code recursive} calls itself four
 * levels deep, {@code failing} throws (and main catches it). Prints {@code done} and exits.
 */
public final class BlockNesting {
  public static void main(String[] args) throws Exception {
    outer();
    recursive(4);
    try {
      failing();
    } catch (IllegalStateException expected) {
      System.out.println("caught " + expected.getMessage());
    }
    System.out.println("done");
  }

  static void outer() throws InterruptedException {
    inner();
    inner();
  }

  static void inner() throws InterruptedException {
    Thread.sleep(5);
  }

  static int recursive(int depth) {
    return depth == 0 ? 0 : 1 + recursive(depth - 1);
  }

  static void failing() {
    throw new IllegalStateException("block 42 is corrupt");
  }
}
