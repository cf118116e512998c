package dev.stallwatch.blocks;

import dev.stallwatch.config.BlockPattern;
import dev.stallwatch.instrumentation.ClassBytes;
import java.lang.instrument.IllegalClassFormatException;
import java.nio.charset.StandardCharsets;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.agent.builder.ResettableClassFileTransformer;

/**
 * Hands Byte Buddy only the classes that could declare a block method. A block method is instrumented in the class
 * that declares it, so its name is in that class's constant pool, and so is every literal run of its method pattern
 * ({@code rewriteBlock} in {@code Rewriter#rewriteBlock}, {@code process} in {@code Pipeline#process*}). Without
 * this byte search, Byte Buddy parsed every class the application loaded and resolved its whole supertype hierarchy
 * from class files, to match the class part of the patterns: on a Spring Boot service that made Byte Buddy the
 * third most compiled library in the JVM, ahead of the OpenTelemetry SDK (docs/performance.md, 2026-12-02).
 *
 * <p>A pattern whose method part is only {@code *} has no literal, and then every class goes to Byte Buddy.
 */
final class MethodNameFilter extends ResettableClassFileTransformer.WithDelegation {
  private final List<byte[]> literals;

  private MethodNameFilter(ResettableClassFileTransformer delegate, List<byte[]> literals) {
    super(delegate);
    this.literals = literals;
  }

  /** Byte Buddy's transformer behind the filter, or as it is when a pattern has no literal to look for. */
  static ResettableClassFileTransformer around(ResettableClassFileTransformer delegate, List<BlockPattern> patterns) {
    List<byte[]> literals = literals(patterns);
    return literals == null ? delegate : new MethodNameFilter(delegate, literals);
  }

  /** The longest literal run of each pattern's method part, or null when one pattern has none. */
  static List<byte[]> literals(List<BlockPattern> patterns) {
    List<byte[]> out = new ArrayList<>();
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
      out.add(longest.getBytes(StandardCharsets.UTF_8));
    }
    return out;
  }

  /** Whether the class file could declare a method one of the patterns names. */
  static boolean mayDeclare(byte[] classFile, List<byte[]> literals) {
    for (byte[] literal : literals) {
      if (ClassBytes.contains(classFile, literal)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public byte[] transform(ClassLoader loader, String className, Class<?> classBeingRedefined,
      ProtectionDomain protectionDomain, byte[] classFile) throws IllegalClassFormatException {
    return mayDeclare(classFile, literals)
        ? classFileTransformer.transform(loader, className, classBeingRedefined, protectionDomain, classFile)
        : null;
  }

  @Override
  public byte[] transform(Module module, ClassLoader loader, String className, Class<?> classBeingRedefined,
      ProtectionDomain protectionDomain, byte[] classFile) throws IllegalClassFormatException {
    return mayDeclare(classFile, literals)
        ? classFileTransformer.transform(module, loader, className, classBeingRedefined, protectionDomain, classFile)
        : null;
  }
}
