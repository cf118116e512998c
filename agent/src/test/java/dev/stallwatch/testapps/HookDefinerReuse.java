package dev.stallwatch.testapps;

import java.lang.reflect.InvocationTargetException;
import java.util.List;

/**
 * An application that goes looking for the agent's class loader (the context loader of the agent's own threads) and
 * tries to use the launcher's hook definer a second time, which would be a way to define any class it likes into
 * {@code java.base}. Prints what happened.
 */
public final class HookDefinerReuse {
  public static void main(String[] args) throws Exception {
    ClassLoader agentLoader = Thread.getAllStackTraces().keySet().stream()
        .map(Thread::getContextClassLoader)
        .filter(loader -> loader != null && "stallwatch".equals(loader.getName()))
        .findFirst()
        .orElse(null);
    if (agentLoader == null) {
      System.out.println("agent loader: not found");
      return;
    }
    System.out.println("agent loader: found");
    try {
      Class.forName(args[0], true, agentLoader).getMethod("define", List.class).invoke(null, List.of());
      System.out.println("hook definer: allowed");
    } catch (InvocationTargetException e) {
      System.out.println("hook definer: " + e.getCause().getClass().getSimpleName());
    }
  }
}
