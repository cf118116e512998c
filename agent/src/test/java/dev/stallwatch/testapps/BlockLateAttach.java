package dev.stallwatch.testapps;

import com.sun.tools.attach.VirtualMachine;

/**
 * Starts without the agent, runs its block method once (so the class is loaded and has run before any
 * transformation), then attaches the agent jar given as argument to itself and runs the block again, this time for
 * 1.5 s. Needs {@code -Djdk.attach.allowAttachSelf=true}. Prints {@code attached} and {@code block ended}.
 */
public final class BlockLateAttach {
  public static void main(String[] args) throws Exception {
    processBlock(1);
    VirtualMachine vm = VirtualMachine.attach(Long.toString(ProcessHandle.current().pid()));
    try {
      vm.loadAgent(args[0]);
    } finally {
      vm.detach();
    }
    System.out.println("attached");
    processBlock(1_500);
    System.out.println("block ended");
    Thread.sleep(500);
  }

  static void processBlock(long millis) throws InterruptedException {
    Thread.sleep(millis);
  }
}
