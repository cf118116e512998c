package dev.stallwatch.blocks;

import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isBridge;
import static net.bytebuddy.matcher.ElementMatchers.isMethod;
import static net.bytebuddy.matcher.ElementMatchers.isNative;
import static net.bytebuddy.matcher.ElementMatchers.isSynthetic;
import static net.bytebuddy.matcher.ElementMatchers.not;

import dev.stallwatch.bootstrap.StallwatchOperations;
import dev.stallwatch.config.BlockPattern;
import dev.stallwatch.config.StallwatchConfig;
import dev.stallwatch.log.AgentLog;
import dev.stallwatch.runaway.InFlightOperations;
import dev.stallwatch.runaway.Watchdog;
import dev.stallwatch.telemetry.Telemetry;
import java.lang.instrument.Instrumentation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDefinition;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.utility.JavaModule;

/**
 * Block-processing methods named by {@code stallwatch.blocks}: instruments them (in classes loaded before and after
 * the agent starts), traces each call, and has the runaway watchdog watch them. See docs/blocks.md.
 */
public final class Blocks {
  /** The operation kind of block methods in detections and metrics. */
  public static final String KIND = "block";
  /** How long after start a pattern may match nothing before the hint about a typo is printed. */
  static final Duration NO_MATCH_HINT_DELAY = Duration.ofSeconds(10);

  private Blocks() {}

  /**
   * Does nothing when {@code stallwatch.blocks} is unset. Returns how many classes already loaded (before a late
   * attach, or by the time of {@code premain}) were retransformed.
   */
  public static int install(Instrumentation instrumentation, StallwatchConfig config, Telemetry telemetry,
      InFlightOperations operations, Watchdog watchdog) {
    if (config.blocks().isEmpty()) {
      return 0;
    }
    BlockMatcher matcher = new BlockMatcher(config.blocks());
    BlockSites sites = new BlockSites(config.runawayThreshold());
    StallwatchOperations.setListener(new BlockCalls(sites, operations, telemetry.tracer(), telemetry.meter()));

    ClassLoader agentLoader = Blocks.class.getClassLoader();
    Advice advice = Advice.withCustomMapping()
        .bind(BlockSiteId.class, (type, method, assigner, arguments, sort) -> Advice.OffsetMapping.Target
            .ForStackManipulation.of(sites.idFor(type.getName(), method.getName(),
                BlockMatcher.patternForMethod(matcher.patternsForHierarchy(hierarchy(type)), method.getName()))))
        .to(BlockAdvice.class);

    Problems problems = new Problems();
    new AgentBuilder.Default()
        .disableClassFormatChanges()
        .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
        .with(problems)
        .with(transformer -> MethodNameFilter.around(transformer, matcher.patterns()))
        .ignore((type, loader, module, classBeingRedefined, protectionDomain) ->
            loader == null || loader == agentLoader || loader == ClassLoader.getPlatformClassLoader()
                || BlockMatcher.excludedByName(type.getName()) || type.isSynthetic())
        .type(type -> !matcher.patternsForHierarchy(hierarchy(type)).isEmpty())
        .transform((builder, type, loader, module, protectionDomain) -> instrument(builder, type, matcher, advice))
        .installOn(instrumentation);

    watchdog.every(Duration.ofSeconds(1), new NoMatchHint(matcher.patterns(), sites, NO_MATCH_HINT_DELAY));
    return problems.retransformed.get();
  }

  private static DynamicType.Builder<?> instrument(DynamicType.Builder<?> builder, TypeDescription type,
      BlockMatcher matcher, Advice advice) {
    List<BlockPattern> candidates = matcher.patternsForHierarchy(hierarchy(type));
    ElementMatcher<MethodDescription> blockMethods = isMethod()
        .and(not(isAbstract())).and(not(isNative())).and(not(isSynthetic())).and(not(isBridge()))
        .and(method -> BlockMatcher.patternForMethod(candidates, method.getName()) != null);
    return builder.visit(advice.on(blockMethods));
  }

  /** The type's name, then the names of all its superclasses and interfaces; stops where a supertype cannot be read. */
  static List<String> hierarchy(TypeDescription type) {
    List<String> names = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    List<TypeDefinition> pending = new ArrayList<>();
    pending.add(type);
    while (!pending.isEmpty()) {
      TypeDefinition next = pending.remove(pending.size() - 1);
      String name = next.asErasure().getName();
      if (!seen.add(name)) {
        continue;
      }
      names.add(name);
      if (name.equals("java.lang.Object")) {
        continue;
      }
      try {
        TypeDescription.Generic superClass = next.getSuperClass();
        if (superClass != null) {
          pending.add(superClass);
        }
        pending.addAll(next.getInterfaces());
      } catch (RuntimeException unreadable) {
        // a supertype the class loader cannot find: match on what is known
      }
    }
    return names;
  }

  /** Says once per class why it could not be instrumented; counts the loaded classes it retransformed. */
  private static final class Problems extends AgentBuilder.Listener.Adapter {
    private final Set<String> reported = ConcurrentHashMap.newKeySet();
    final AtomicInteger retransformed = new AtomicInteger();

    @Override
    public void onTransformation(TypeDescription typeDescription, ClassLoader classLoader, JavaModule module,
        boolean loaded, DynamicType dynamicType) {
      if (loaded) {
        retransformed.incrementAndGet();
      }
    }

    @Override
    public void onError(String typeName, ClassLoader classLoader, JavaModule module, boolean loaded,
        Throwable throwable) {
      if (reported.add(typeName)) {
        AgentLog.line("blocks: could not instrument " + typeName + ": " + throwable);
      }
    }
  }
}
