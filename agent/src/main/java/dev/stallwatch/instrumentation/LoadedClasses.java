package dev.stallwatch.instrumentation;

import dev.stallwatch.bootstrap.StallwatchPlatformClasses;
import dev.stallwatch.log.AgentLog;
import java.io.InputStream;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.List;

/**
 * The application's classes that were loaded before the agent was attached to a running JVM, found and retransformed
 * so that a late attach covers them as a start with {@code -javaagent} would have.
 *
 * <p>Which ones: each feature's transformer is asked, as if the class were loading now, with the class file as its
 * class loader still serves it ({@code getResourceAsStream}); the transformers rule out nearly every class with a byte
 * search before parsing anything. A class with no class file (generated at run time) is not looked at. This reads class files on the attaching thread (jcmd's
 * or the Attach API's), not on an application thread. Only the matches are retransformed, in small batches: each
 * {@link Instrumentation#retransformClasses} call swaps its classes in one safepoint, and a short one per batch keeps
 * the application's pause small (docs/performance.md, "Late attach"). A retransformation may change method bodies
 * only, which is all the transformers that use this do.
 */
public final class LoadedClasses {
  /** Classes per {@code retransformClasses} call, so one safepoint stays short. */
  static final int BATCH = 16;

  private LoadedClasses() {}

  /** The classes found worth retransforming, and how many each transformer changes (a class may count for several). */
  public record Found(List<Class<?>> classes, int[] counts) {}

  /**
   * The modifiable classes of application class loaders (not the boot, platform or agent loader, not the JDK's
   * packages, not hidden classes) that one of {@code transformers} changes, asked as at the class's loading with its
   * class file as its loader serves it (so a class is retransformed only when a retransformation will change it).
   * Each class file is read once; the transformers must tolerate being asked twice (theirs are idempotent: site ids
   * are registered by name).
   */
  public static Found changedBy(Instrumentation instrumentation, ClassLoader agentLoader,
      List<ClassFileTransformer> transformers) {
    List<Class<?>> out = new ArrayList<>();
    int[] counts = new int[transformers.size()];
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
        for (int i = 0; i < transformers.size(); i++) {
          if (transformers.get(i).transform(type.getModule(), loader, internalName, null, type.getProtectionDomain(),
              bytes) != null) {
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
