package dev.stallwatch.testapps;

/**
 * Calls a block method many times (argument, default 20000), each call quick, then stays alive for 600 ms so the
 * watchdog scans a few times. Prints {@code calls <n> in <ns> ns} (the time of the calls only).
 */
public final class BlockFastCalls {
  private static long sink;

  public static void main(String[] args) throws Exception {
    int calls = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    long start = System.nanoTime();
    for (int i = 0; i < calls; i++) {
      sink += processBlock(i);
    }
    long elapsed = System.nanoTime() - start;
    System.out.println("calls " + calls + " in " + elapsed + " ns (" + elapsed / calls + " ns/call), sink " + sink);
    Thread.sleep(600);
  }

  static int processBlock(int i) {
    return Integer.bitCount(i * 31 + 7);
  }
}
