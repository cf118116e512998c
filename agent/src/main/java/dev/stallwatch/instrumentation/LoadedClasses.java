package dev.stallwatch.instrumentation;

import dev.stallwatch.bootstrap.StallwatchPlatformClasses;
import dev.stallwatch.log.AgentLog;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiPredicate;

/**
 * The application's classes that were loaded before the agent was attached to a running JVM, found and retransformed
 * so that a late attach covers them as a start with {@code -javaagent} would have.
 *
 * <p>Which ones: a feature's transformer decides from the class file's bytes (a byte search), so the same question is
 * asked here of each loaded class's file as its class loader still serves it ({@code getResourceAsStream}); a class
 * with no class file (generated at run time) is not looked at. This reads class files on the attaching thread (jcmd's
 * or the Attach API's), not on an application thread. Only the matches are retransformed, in small batches: each
 * {@link Instrumentation#retransformClasses} call swaps its classes in one safepoint, and a short one per batch keeps
 * the application's pause small (docs/performance.md, "Late attach"). A retransformation may change method bodies
 * only, which is all the transformers that use this do.
 */
public final class LoadedClasses {
  /** Classes per {@code retransformClasses} call, so one safepoint stays short. */
  static final int BATCH = 16;

  private LoadedClasses() {}

  /** The classes found worth retransforming, and how many each filter accepted (a class may count for several). */
  public record Found(List<Class<?>> classes, int[] counts) {}

  /**
   * The modifiable classes of application class loaders (not the boot, platform or agent loader, not the JDK's
   * packages, not hidden classes) whose class file one of {@code filters} accepts, given the internal name and the
   * bytes. Each class file is read once.
   */
  @SafeVarargs
  public static Found matching(Instrumentation instrumentation, ClassLoader agentLoader,
      BiPredicate<String, byte[]>... filters) {
    List<Class<?>> out = new ArrayList<>();
    int[] counts = new int[filters.length];
    ClassLoader platform = ClassLoader.getPlatformClassLoader();
    for (Class<?> type : instrumentation.getAllLoadedClasses()) {
      try {
        ClassLoader loader = type.getClassLoader();
        if (loader == null || loader == agentLoader || loader == platform || type.isArray() || type.isPrimitive()
            || type.isHidden() || !instrumentation.isModifiableClass(type)) {
          continue;
        }
        String internalName = type.getName().replace('.', '/');
        if (StallwatchPlatformClasses.isPlatformInternalName(internalName)) {
          continue;
        }
        byte[] bytes = classFile(loader, internalName);
        if (bytes == null) {
          continue;
        }
        boolean wanted = false;
        for (int i = 0; i < filters.length; i++) {
          if (filters[i].test(internalName, bytes)) {
            counts[i]++;
            wanted = true;
          }
        }
        if (wanted) {
          out.add(type);
        }
      } catch (Throwable unreadable) {
        // a class loader that is closed, a class file that cannot be read: not covered, as a class with none
      }
    }
    return new Found(out, counts);
  }

  private static byte[] classFile(ClassLoader loader, String internalName) throws java.io.IOException {
    try (InputStream in = loader.getResourceAsStream(internalName + ".class")) {
      return in == null ? null : in.readAllBytes();
    }
  }

  /**
   * Retransforms {@code classes} in batches; a batch that fails is tried class by class, and what still fails is
   * said in one line. Returns how many were retransformed.
   */
  public static int retransform(Instrumentation instrumentation, List<Class<?>> classes) {
    int done = 0;
    int failed = 0;
    Throwable firstFailure = null;
    for (int from = 0; from < classes.size(); from += BATCH) {
      List<Class<?>> batch = classes.subList(from, Math.min(classes.size(), from + BATCH));
      try {
        instrumentation.retransformClasses(batch.toArray(new Class<?>[0]));
        done += batch.size();
      } catch (Throwable batchFailed) {
        for (Class<?> type : batch) {
          try {
            instrumentation.retransformClasses(type);
            done++;
          } catch (Throwable t) {
            failed++;
            if (firstFailure == null) {
              firstFailure = t;
            }
          }
        }
      }
    }
    if (failed > 0) {
      AgentLog.line(failed + " class(es) loaded before the attach could not be retransformed and "
          + "are not covered (" + firstFailure + ")");
    }
    return done;
  }
}
