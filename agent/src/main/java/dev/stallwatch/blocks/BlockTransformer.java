package dev.stallwatch.blocks;

import static dev.stallwatch.instrumentation.HookWeaver.Value.THROWN;
import static dev.stallwatch.instrumentation.HookWeaver.Value.TOKEN;
import static dev.stallwatch.instrumentation.HookWeaver.Value.constant;

import dev.stallwatch.bootstrap.StallwatchHealth;
import dev.stallwatch.bootstrap.StallwatchOperations;
import dev.stallwatch.config.BlockPattern;
import dev.stallwatch.instrumentation.ClassBytes;
import dev.stallwatch.instrumentation.HookWeaver;
import dev.stallwatch.instrumentation.HookWeaver.Hook;
import dev.stallwatch.instrumentation.HookWeaver.MethodHooks;
import dev.stallwatch.instrumentation.Supertypes;
import dev.stallwatch.log.AgentLog;
import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.Opcodes;

/**
 * Wraps each block method in {@code StallwatchOperations.begin(site)} and {@code end(token, thrown)}, as its class
 * loads or is retransformed. The cheap tests come first: the class loader, the class's name, then a byte search for
 * a literal of the patterns' method parts ({@link MethodNameFilter#literals}); only a class that passes them has its
 * header read and its supertypes resolved from class files ({@link Supertypes}, nothing is loaded), and only a class
 * with a matching supertype and method is woven ({@link HookWeaver}).
 */
final class BlockTransformer implements ClassFileTransformer {
  private static final String HOOKS = StallwatchOperations.class.getName().replace('.', '/');
  private static final Hook END =
      new Hook(HOOKS, "end", "(Ljava/lang/Object;Ljava/lang/Throwable;)V", List.of(TOKEN, THROWN));
  /** Methods that are never block methods: no code of their own, or code the compiler made. */
  private static final int NOT_BLOCK_METHODS =
      Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE | Opcodes.ACC_SYNTHETIC | Opcodes.ACC_BRIDGE;

  private final BlockMatcher matcher;
  private final BlockSites sites;
  private final ClassLoader agentLoader;
  /** Null when a pattern's method part has no literal ({@code Pipeline#*}): then every class is looked at. */
  private final ClassBytes.Needles literals;
  private final Supertypes supertypes = new Supertypes(true);
  private final Set<String> failuresReported = ConcurrentHashMap.newKeySet();

  BlockTransformer(BlockMatcher matcher, BlockSites sites, ClassLoader agentLoader) {
    this.matcher = matcher;
    this.sites = sites;
    this.agentLoader = agentLoader;
    this.literals = MethodNameFilter.literals(matcher.patterns());
  }

  @Override
  public byte[] transform(Module module, ClassLoader loader, String className, Class<?> classBeingRedefined,
      ProtectionDomain protectionDomain, byte[] bytes) {
    if (loader == null || loader == agentLoader || loader == ClassLoader.getPlatformClassLoader()
        || className == null || (literals != null && !literals.foundIn(bytes))) {
      return null;
    }
    String name = className.replace('/', '.');
    if (BlockMatcher.excludedByName(name)) {
      return null;
    }
    try {
      ClassReader reader = new ClassReader(bytes);
      if ((reader.getAccess() & Opcodes.ACC_SYNTHETIC) != 0) {
        return null;
      }
      List<String> hierarchy = new ArrayList<>();
      hierarchy.add(name);
      for (String supertype : supertypes.of(loader, reader.getSuperName(), reader.getInterfaces())) {
        hierarchy.add(supertype.replace('/', '.'));
      }
      List<BlockPattern> candidates = matcher.patternsForHierarchy(hierarchy);
      if (candidates.isEmpty()) {
        return null;
      }
      return HookWeaver.weave(bytes, (access, method, descriptor) -> {
        if ((access & NOT_BLOCK_METHODS) != 0 || method.startsWith("<")) {
          return null;
        }
        BlockPattern pattern = BlockMatcher.patternForMethod(candidates, method);
        return pattern == null ? null : hooks(sites.idFor(name, method, pattern));
      });
    } catch (Throwable t) {
      StallwatchHealth.swallowed(t);
      if (failuresReported.add(name)) {
        AgentLog.line("blocks: could not instrument " + name + ": " + t);
      }
      return null;
    }
  }

  private static MethodHooks hooks(int site) {
    return new MethodHooks(new Hook(HOOKS, "begin", "(I)Ljava/lang/Object;", List.of(constant(site))), END, true);
  }
}
