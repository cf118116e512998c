package dev.stallwatch;

import java.lang.invoke.MethodHandles;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Defines the hook classes into {@code java.base}, next to {@link LockSupport}, for the launcher.
 *
 * <p>Why it exists: defining a class into a JDK package takes a private lookup there, and that takes the package
 * opened to the caller's module. The launcher lives in the system class loader's unnamed module, which is the
 * application's own: opening the package to it would let the application reach into {@code java.util.concurrent.locks}
 * too. This class is loaded by the agent's isolated class loader instead, so the launcher opens the package to that
 * loader's module only, and the application is refused what it is refused without the agent.
 *
 * <p>It works once: the launcher calls it before any reference to the agent's class loader exists outside the
 * launcher; a later call, from code that found the class through that loader, is refused, so it is no way into
 * {@code java.base} for anyone else. It uses nothing but the JDK, so loading it pulls in no other agent class.
 */
public final class HookDefiner {
  private static boolean used;

  private HookDefiner() {}

  /** Defines each class file, in order (a hook's supertypes before the hook), into {@code java.util.concurrent.locks}. */
  public static synchronized void define(List<byte[]> classFiles) throws IllegalAccessException {
    if (used) {
      throw new IllegalStateException("the hook classes are defined once, by the launcher");
    }
    used = true;
    MethodHandles.Lookup hookPackage = MethodHandles.privateLookupIn(LockSupport.class, MethodHandles.lookup());
    for (byte[] classFile : classFiles) {
      hookPackage.defineClass(classFile);
    }
  }
}
