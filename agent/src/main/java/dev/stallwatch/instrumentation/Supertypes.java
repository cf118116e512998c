package dev.stallwatch.instrumentation;

import java.io.InputStream;
import java.util.Collections;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import org.objectweb.asm.ClassReader;

/**
 * Every supertype of a class being loaded, at any depth, read from the class files its loader can find (nothing is
 * loaded): a handler whose {@code Endpoint} or {@code MessageHandler} is a grandparent is a handler all the same, and
 * the class file of a class being defined names only its direct supertypes; a block class's pattern may name an
 * interface two levels up. Asked only for the few classes that could matter (a handler-like method, a block
 * method's name), once per class and loader.
 */
public final class Supertypes {
  private static final int MAX_DEPTH = 32;
  private final boolean jdkTypes;
  private final Map<ClassLoader, Map<String, Set<String>>> byLoader =
      Collections.synchronizedMap(new WeakHashMap<>());

  /**
   * {@code jdkTypes}: whether the JDK's own types ({@code java/...}) are read for their supertypes too, or only named
   * (the WebSocket APIs are implemented by none of them).
   */
  public Supertypes(boolean jdkTypes) {
    this.jdkTypes = jdkTypes;
  }

  /** The supertypes (internal names) of a class whose direct superclass and interfaces are given. */
  public Set<String> of(ClassLoader loader, String superName, String[] interfaces) {
    Set<String> all = new HashSet<>();
    if (superName != null) {
      all.add(superName);
      all.addAll(ofType(loader, superName, 0));
    }
    for (String i : interfaces == null ? new String[0] : interfaces) {
      all.add(i);
      all.addAll(ofType(loader, i, 0));
    }
    return all;
  }

  private Set<String> ofType(ClassLoader loader, String name, int depth) {
    if (name.equals("java/lang/Object") || depth > MAX_DEPTH) {
      return Set.of();
    }
    Map<String, Set<String>> cache = byLoader.computeIfAbsent(loader, l -> new ConcurrentHashMap<>());
    Set<String> cached = cache.get(name);
    if (cached != null) {
      return cached;
    }
    Set<String> all = new HashSet<>();
    byte[] bytes = read(loader, name);
    if (bytes != null) {
      ClassReader reader = new ClassReader(bytes);
      String superName = reader.getSuperName();
      if (superName != null) {
        all.add(superName);
        all.addAll(ofType(loader, superName, depth + 1));
      }
      for (String i : reader.getInterfaces()) {
        all.add(i);
        all.addAll(ofType(loader, i, depth + 1));
      }
    }
    Set<String> result = Set.copyOf(all);
    cache.put(name, result);
    return result;
  }

  private byte[] read(ClassLoader loader, String name) {
    if (!jdkTypes && name.startsWith("java/")) {
      return null;
    }
    try (InputStream in = loader.getResourceAsStream(name + ".class")) {
      return in == null ? null : in.readAllBytes();
    } catch (Exception | LinkageError e) {
      return null;
    }
  }
}
