package dev.stallwatch.benchmarks;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.jar.JarFile;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What one detection costs the watchdog thread that makes it (never an application thread): the live stacks of a
 * waiting thread and of the lock's owner, and the detection handed to every sink — the stderr line, the JSON Lines
 * file, an OTLP log record (into the SDK's batch processor), the counter and the span-event sink.
 *
 * <p>The agent's classes are loaded from the agent jar's own {@code stallwatch/core.jar} in a class loader of their
 * own, exactly as the agent loads them, so the sinks measured are the shipped ones with their relocated
 * OpenTelemetry. Run without the agent:
 * {@code java -cp benchmarks/target/benchmarks.jar org.openjdk.jmh.Main
 * DetectionBenchmarks}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class DetectionBenchmarks {
  private final ReentrantLock lock = new ReentrantLock();
  private final CountDownLatch done = new CountDownLatch(1);
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private PrintStream realStderr;
  private Thread owner;
  private Thread waiter;
  private Object detections;
  private Object lockWait;
  private MethodHandle newDetection;
  private MethodHandle report;
  private URLClassLoader core;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    // Export goes to a closed loopback port: the caller's cost is queueing the record; export failures are dropped.
    System.setProperty("otel.exporter.otlp.endpoint", "http://127.0.0.1:9");
    System.setProperty("otel.metric.export.interval", "60000");
    realStderr = System.err;
    System.setErr(new PrintStream(OutputStream.nullOutputStream()));
    core = new URLClassLoader(new URL[] {unpackCore().toUri().toURL()}, ClassLoader.getPlatformClassLoader());
    detections = buildDetections();

    owner = new Thread(() -> {
      lock.lock();
      try {
        done.await();
      } catch (InterruptedException ignored) {
        // end of the trial
      } finally {
        lock.unlock();
      }
    }, "lock-owner");
    owner.start();
    while (!lock.isLocked()) {
      Thread.onSpinWait();
    }
    waiter = new Thread(lock::lock, "lock-waiter");
    waiter.setDaemon(true);
    waiter.start();
    while (!lock.hasQueuedThread(waiter)) {
      Thread.onSpinWait();
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    done.countDown();
    owner.join();
    System.setErr(realStderr);
    core.close();
  }

  /** A lock-wait detection as the lock engine makes it: both stacks taken live, then every sink fed. */
  @Benchmark
  public Object lockWaitDetection() throws Throwable {
    ThreadInfo waiting = threads.getThreadInfo(waiter.getId(), Integer.MAX_VALUE);
    ThreadInfo holding = threads.getThreadInfo(owner.getId(), Integer.MAX_VALUE);
    Map<String, Object> ownerDetails = new LinkedHashMap<>();
    ownerDetails.put("name", holding.getThreadName());
    ownerDetails.put("state", holding.getThreadState().name());
    ownerDetails.put("alive", true);
    ownerDetails.put("stack", frames(holding));
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("lock", "java.util.concurrent.locks.ReentrantLock@" + Integer.toHexString(lock.hashCode()));
    details.put("lockClass", "java.util.concurrent.locks.ReentrantLock");
    details.put("waitedMillis", 1042L);
    details.put("owner", ownerDetails);
    Object detection = newDetection.invoke(lockWait, waiting.getThreadName(),
        "Thread \"lock-waiter\" has waited 1042ms for a ReentrantLock held by thread \"lock-owner\".",
        frames(waiting), details);
    report.invoke(detections, detection);
    return detection;
  }

  private static List<String> frames(ThreadInfo info) {
    List<String> frames = new ArrayList<>();
    for (StackTraceElement frame : info.getStackTrace()) {
      frames.add(frame.toString());
    }
    return frames;
  }

  private Object buildDetections() throws Exception {
    MethodHandles.Lookup lookup = MethodHandles.publicLookup();
    Class<?> telemetryType = type("dev.stallwatch.telemetry.Telemetry");
    Object telemetry = telemetryType.getMethod("start", String.class, String.class)
        .invoke(null, "detection-benchmark", "bench");
    Object logger = telemetryType.getMethod("logger").invoke(telemetry);
    Object meter = telemetryType.getMethod("meter").invoke(telemetry);

    Class<?> jsonLines = type("dev.stallwatch.report.JsonLinesSink");
    List<Object> sinks = new ArrayList<>();
    sinks.add(type("dev.stallwatch.report.StderrSink").getConstructor().newInstance());
    sinks.add(jsonLines.getMethod("open", Path.class).invoke(null, Paths.get("/dev/null")));
    sinks.add(construct("dev.stallwatch.report.OtlpLogSink", logger));
    sinks.add(construct("dev.stallwatch.report.DetectionCounterSink", meter));
    sinks.add(type("dev.stallwatch.report.SpanEventSink").getConstructor().newInstance());

    Class<?> detectionsType = type("dev.stallwatch.report.Detections");
    Class<?> detectionType = type("dev.stallwatch.report.Detection");
    Class<?> kindType = type("dev.stallwatch.report.DetectionKind");
    lockWait = kindType.getField("LOCK_WAIT").get(null);
    newDetection = lookup.findStatic(detectionType, "of",
        MethodType.methodType(detectionType, kindType, String.class, String.class, List.class, Map.class));
    report = lookup.findVirtual(detectionsType, "report", MethodType.methodType(void.class, detectionType));
    return detectionsType.getConstructor(List.class).newInstance(sinks);
  }

  private Object construct(String name, Object argument) throws Exception {
    for (var constructor : type(name).getConstructors()) {
      if (constructor.getParameterCount() == 1 && constructor.getParameterTypes()[0].isInstance(argument)) {
        return constructor.newInstance(argument);
      }
    }
    throw new IllegalStateException("no constructor of " + name + " takes " + argument.getClass());
  }

  private Class<?> type(String name) throws ClassNotFoundException {
    return Class.forName(name, false, core);
  }

  private static Path unpackCore() throws Exception {
    Path agent = Paths.get(System.getProperty("stallwatch.agent.jar", "agent/target/stallwatch-agent.jar"));
    Path out = Files.createTempFile("stallwatch-core-", ".jar");
    out.toFile().deleteOnExit();
    try (JarFile jar = new JarFile(agent.toFile());
        InputStream in = jar.getInputStream(jar.getEntry("stallwatch/core.jar"))) {
      Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
    }
    return out;
  }
}
