package dev.stallwatch;

import dev.stallwatch.blocks.Blocks;
import dev.stallwatch.config.AgentArguments;
import dev.stallwatch.config.ConfigLoader;
import dev.stallwatch.config.Feature;
import dev.stallwatch.config.StallwatchConfig;
import dev.stallwatch.instrumentation.CallSiteRewriter;
import dev.stallwatch.instrumentation.CallSites;
import dev.stallwatch.locks.DeadlockDetector;
import dev.stallwatch.locks.LockEngine;
import dev.stallwatch.locks.LockInstrumentation;
import dev.stallwatch.locks.LockMetrics;
import dev.stallwatch.locks.MonitorContention;
import dev.stallwatch.locks.MonitorWaits;
import dev.stallwatch.log.AgentLog;
import dev.stallwatch.report.DetectionCounterSink;
import dev.stallwatch.report.DetectionSink;
import dev.stallwatch.report.Detections;
import dev.stallwatch.report.JsonLinesSink;
import dev.stallwatch.report.OtlpLogSink;
import dev.stallwatch.report.SpanEventSink;
import dev.stallwatch.report.StderrSink;
import dev.stallwatch.runaway.InFlightOperations;
import dev.stallwatch.runaway.RunawayDetector;
import dev.stallwatch.runaway.Watchdog;
import dev.stallwatch.telemetry.AgentHealth;
import dev.stallwatch.telemetry.LateOpenTelemetryAgent;
import dev.stallwatch.telemetry.ServiceName;
import dev.stallwatch.telemetry.Telemetry;
import dev.stallwatch.testscope.TestScopes;
import dev.stallwatch.websocket.WebSockets;
import java.lang.instrument.Instrumentation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Starts the agent inside its own class loader: configuration, then telemetry, then detection sinks, then the
 * watchdog and its detectors. Called once by {@link StallwatchAgent} through reflection.
 */
public final class AgentStartup {
  private static final String VERSION = versionOf(AgentStartup.class);
  private static final Duration LOCK_SCAN_INTERVAL = Duration.ofMillis(100);
  private static final Duration HEALTH_INTERVAL = Duration.ofSeconds(1);

  private AgentStartup() {}

  /**
   * @param agentArguments the text after {@code -javaagent:stallwatch-agent.jar=}, or the option of a late attach:
   *     settings ({@link AgentArguments}) that win over system properties and the environment
   * @param attachedLate loaded into a running JVM: classes already loaded are covered too, and one line says so
   */
  public static void start(String agentArguments, Instrumentation instrumentation, boolean attachedLate) {
    long began = System.nanoTime();
    Map<String, String> arguments = AgentArguments.parse(agentArguments, AgentLog::line);
    StallwatchConfig config = ConfigLoader.load(arguments, System.getProperties(), System.getenv(), AgentLog::line);
    Map<String, String> otelArguments = AgentArguments.openTelemetry(arguments);
    Telemetry telemetry = withAgentContextLoader(() -> Telemetry.start(ServiceName.guess(), VERSION, otelArguments));
    LateAttach.Coverage coverage = new LateAttach.Coverage();
    TestScopes testScopes = new TestScopes();
    List<DetectionSink> sinks = sinks(config, telemetry);
    sinks.add(testScopes);
    Detections detections = new Detections(sinks);

    Watchdog watchdog = Watchdog.start();
    watchdog.every(HEALTH_INTERVAL, new AgentHealth(telemetry.meter()));
    if (!telemetry.isOpenTelemetryAgent()) {
      watchdog.every(LOCK_SCAN_INTERVAL, LateOpenTelemetryAgent.watch(instrumentation));
    }
    ClassLoader agentLoader = AgentStartup.class.getClassLoader();

    DeadlockDetector deadlocks = new DeadlockDetector(detections);
    boolean deadlocksOn = install(Feature.DEADLOCKS, config,
        () -> watchdog.every(config.deadlockInterval(), deadlocks));

    // Locks and permits: one engine reads both every scan (a semaphore wait shows who holds the permits).
    openLockInternals(instrumentation);
    // One table numbers every rewritten Semaphore and Lock call site.
    CallSites callSites = new CallSites();
    boolean locks = install(Feature.LOCKS, config, () -> LockInstrumentation.installLockHooks(instrumentation,
        agentLoader));
    CallSiteRewriter[] rewriter = new CallSiteRewriter[1];
    WebSockets.Transformers[] websocket = new WebSockets.Transformers[1];
    // One rewriter for both features' call sites, so a class is parsed once; a failure takes both features' sites.
    boolean permitsOn = config.enabled(Feature.PERMITS);
    boolean sitesRewritten = (permitsOn || locks) && install(permitsOn ? Feature.PERMITS : Feature.LOCKS, config,
        () -> rewriter[0] = LockInstrumentation.installCallSiteRewriting(instrumentation, agentLoader, callSites,
            permitsOn, locks));
    boolean permits = permitsOn && sitesRewritten;
    LockEngine lockEngine = null;
    if (locks || permits) {
      lockEngine = new LockEngine(config, detections, callSites, new LockMetrics(telemetry.meter()));
      watchdog.every(LOCK_SCAN_INTERVAL, lockEngine);
    }
    MonitorContention monitors = MonitorContention.create(detections, config.lockWaitThreshold());
    install(Feature.MONITORS, config, () -> watchdog.every(LOCK_SCAN_INTERVAL,
        new MonitorWaits(detections, config.lockWaitThreshold(), monitors::startForVirtualThreads)));

    // Operations (block methods, WebSocket handler calls) and the runaway watchdog that watches them.
    InFlightOperations operations = RunawayDetector.install(detections, telemetry.meter(), watchdog);
    install(Feature.BLOCKS, config, () -> coverage.blockClasses =
        Blocks.install(instrumentation, config, telemetry, operations, watchdog));
    install(Feature.WEBSOCKET, config, () -> websocket[0] = WebSockets.install(instrumentation, agentLoader, config,
        telemetry, operations, detections, watchdog, attachedLate));
    if (attachedLate) {
      coverage.lockClasses = locks;
      try {
        LateAttach.retransformLoaded(instrumentation, agentLoader, websocket[0],
            rewriter[0] == null ? null : rewriter[0].permitCallsOnly(), coverage);
      } catch (Throwable t) {
        AgentLog.line("the classes loaded before the attach could not all be retransformed; what loads from now on "
            + "is covered (" + t + ")");
      }
    }

    // What a test framework asks through bootstrap/StallwatchTestScope (stallwatch-junit); idle until a test opens one.
    testScopes.start(watchdog, lockEngine, deadlocksOn ? deadlocks : null, callSites::describe);

    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      watchdog.stop();
      monitors.stop();
      telemetry.shutdown(5);
    }, "stallwatch-shutdown"));
    if (attachedLate) {
      AgentLog.line(LateAttach.summary(coverage, config, otelArguments, telemetry.isOpenTelemetryAgent(),
          (System.nanoTime() - began) / 1_000_000));
    }
  }

  /**
   * Installs one feature unless its switch is off. A feature that fails to install says so in one line and is left
   * out; the application and the other features go on. Returns whether it is installed.
   */
  private static boolean install(Feature feature, StallwatchConfig config, Runnable step) {
    if (!config.enabled(feature)) {
      return false;
    }
    try {
      step.run();
      return true;
    } catch (Throwable t) {
      AgentLog.line(feature.switchKey().key().replace(".enabled", "") + " could not be installed and is off; "
          + "everything else runs (" + t + ")");
      return false;
    }
  }

  /**
   * Runs {@code start} with the agent's class loader as context loader, so that the threads it starts (the SDK's
   * exporters, and the HTTP client threads those start later) inherit it: that is how the lock hooks recognise the
   * agent's own threads and leave them alone. The calling thread (the application's main thread) gets its own
   * context loader back, and is never mistaken for one of the agent's.
   */
  private static <T> T withAgentContextLoader(java.util.function.Supplier<T> start) {
    Thread current = Thread.currentThread();
    ClassLoader applicationContextLoader = current.getContextClassLoader();
    current.setContextClassLoader(AgentStartup.class.getClassLoader());
    try {
      return start.get();
    } finally {
      current.setContextClassLoader(applicationContextLoader);
    }
  }

  /**
   * Lets the watchdog read lock owners and a semaphore's synchronizer, which the JDK keeps protected or private, and
   * list the JVM's threads without stacks ({@code Thread.getThreads}). Opens the three packages to the agent's own
   * class loader only; the application sees no change.
   */
  private static void openLockInternals(Instrumentation instrumentation) {
    Module agent = AgentStartup.class.getModule();
    Module javaBase = Object.class.getModule();
    instrumentation.redefineModule(javaBase, Set.of(), Map.of(),
        Map.of("java.lang", Set.of(agent), "java.util.concurrent", Set.of(agent), "java.util.concurrent.locks",
            Set.of(agent)), Set.of(), Map.of());
  }

  private static List<DetectionSink> sinks(StallwatchConfig config, Telemetry telemetry) {
    List<DetectionSink> sinks = new ArrayList<>();
    sinks.add(new StderrSink());
    if (config.detectionsFile() != null) {
      JsonLinesSink file = JsonLinesSink.open(config.detectionsFile());
      if (file != null) {
        sinks.add(file);
      }
    }
    sinks.add(new OtlpLogSink(telemetry.logger()));
    sinks.add(new DetectionCounterSink(telemetry.meter()));
    sinks.add(new SpanEventSink());
    return sinks;
  }

  private static String versionOf(Class<?> type) {
    String version = type.getPackage() == null ? null : type.getPackage().getImplementationVersion();
    return version == null ? "dev" : version;
  }
}
