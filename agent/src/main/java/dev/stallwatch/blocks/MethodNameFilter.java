package dev.stallwatch.blocks;

import dev.stallwatch.config.BlockPattern;
import dev.stallwatch.instrumentation.ClassBytes;
import java.util.ArrayList;
import java.util.List;

/**
 * Which classes could declare a block method, by a byte search before anything is parsed. A block method is
 * instrumented in the class that declares it, so its name is in that class's constant pool, and so is every literal
 * run of its method pattern ({@code rewriteBlock} in {@code Rewriter#rewriteBlock}, {@code process} in
 * {@code Pipeline#process*}). Without this search every class the application loads would have its header parsed
 * and its supertype hierarchy read from class files, to match the class part of the patterns (with Byte Buddy, that
 * made it the third most compiled library of a Spring Boot service, docs/performance.md, 2026-12-02).
 *
 * <p>A pattern whose method part is only {@code *} has no literal, and then every class is looked at.
 */
final class MethodNameFilter {
  private MethodNameFilter() {}

  /** The longest literal run of each pattern's method part, or null when one pattern has none. */
  static ClassBytes.Needles literals(List<BlockPattern> patterns) {
    List<String> out = new ArrayList<>();
    for (BlockPattern pattern : patterns) {
      String longest = "";
      for (String run : pattern.methodPattern().split("\\*")) {
        if (run.length() > longest.length()) {
          longest = run;
        }
      }
      if (longest.isEmpty()) {
        return null;
      }
      out.add(longest);
    }
    return new ClassBytes.Needles(out);
  }
}
