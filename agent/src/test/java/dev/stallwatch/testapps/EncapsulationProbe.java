package dev.stallwatch.testapps;

import java.lang.invoke.MethodHandles;
import java.lang.reflect.Field;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Tries what an application may not do to the JDK's internals: make private fields of {@code java.util.concurrent}
 * and {@code java.lang} accessible, and get a private lookup into the package the agent defines its hooks in. Prints
 * one line per attempt with its outcome, so that a test can compare a run under the agent with one without: the
 * agent opens these packages to its own class loader, and must not open them to the application.
 */
public final class EncapsulationProbe {
  public static void main(String[] args) {
    field("ReentrantLock.sync", ReentrantLock.class, "sync");
    field("Semaphore.sync", Semaphore.class, "sync");
    field("String.value", String.class, "value");
    try {
      MethodHandles.privateLookupIn(LockSupport.class, MethodHandles.lookup());
      System.out.println("privateLookupIn(LockSupport): allowed");
    } catch (ReflectiveOperationException | RuntimeException e) {
      System.out.println("privateLookupIn(LockSupport): " + e.getClass().getSimpleName());
    }
  }

  private static void field(String label, Class<?> owner, String name) {
    try {
      Field field = owner.getDeclaredField(name);
      field.setAccessible(true);
      System.out.println(label + ": accessible");
    } catch (ReflectiveOperationException | RuntimeException e) {
      System.out.println(label + ": " + e.getClass().getSimpleName());
    }
  }
}
