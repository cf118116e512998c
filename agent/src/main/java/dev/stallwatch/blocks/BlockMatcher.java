package dev.stallwatch.blocks;

import dev.stallwatch.bootstrap.StallwatchPlatformClasses;
import dev.stallwatch.config.BlockPattern;
import java.util.ArrayList;
import java.util.List;

/**
 * Which {@code stallwatch.blocks} patterns apply to a class and its methods. Pure logic; {@link BlockTransformer}
 * supplies the type hierarchy.
 *
 * <p>Rule: a method is a block method when its name matches a pattern's method part and its declaring class
 * <em>or any of its superclasses or interfaces</em> matches the pattern's class part. So {@code Rewriter#rewrite}
 * with {@code Rewriter} an interface (or abstract class) instruments {@code rewrite} in every class implementing it,
 * as well as any default method. The first pattern in the configured order that matches decides the threshold.
 */
final class BlockMatcher {
  private final List<BlockPattern> patterns;

  BlockMatcher(List<BlockPattern> patterns) {
    this.patterns = List.copyOf(patterns);
  }

  List<BlockPattern> patterns() {
    return patterns;
  }

  /**
   * The patterns whose class part matches the class or one of its supertypes.
   *
   * @param hierarchy the class's name first, then the names of all its superclasses and interfaces
   */
  List<BlockPattern> patternsForHierarchy(Iterable<String> hierarchy) {
    List<BlockPattern> out = new ArrayList<>();
    for (BlockPattern pattern : patterns) {
      for (String name : hierarchy) {
        if (pattern.matchesClass(name)) {
          out.add(pattern);
          break;
        }
      }
    }
    return out;
  }

  /** The first of {@code candidates} whose method part matches {@code methodName}, or null. */
  static BlockPattern patternForMethod(List<BlockPattern> candidates, String methodName) {
    for (BlockPattern pattern : candidates) {
      if (pattern.matchesMethod(methodName)) {
        return pattern;
      }
    }
    return null;
  }

  /**
   * Whether no class of this name could ever be instrumented: the JDK's and every {@code javax} API type (see
   * {@link StallwatchPlatformClasses} for why javax here), and the agent's own: its relocated libraries, its hooks
   * (in the shipped jar the build renames that prefix with the hooks, into {@code java.util.concurrent.locks}) and
   * its launcher, the one agent class the application's class loader sees.
   */
  static boolean excludedByName(String className) {
    return StallwatchPlatformClasses.isPlatformOrJavaxClass(className)
        || className.startsWith("dev.stallwatch.shaded.")
        || className.startsWith("dev.stallwatch.bootstrap.")
        || className.startsWith("dev.stallwatch.StallwatchAgent");
  }
}
