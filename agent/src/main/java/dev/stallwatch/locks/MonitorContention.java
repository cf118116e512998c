package dev.stallwatch.locks;

import dev.stallwatch.config.Durations;
import dev.stallwatch.log.AgentLog;
import dev.stallwatch.report.Detection;
import dev.stallwatch.report.DetectionKind;
import dev.stallwatch.report.Detections;
import dev.stallwatch.report.SiteRateLimiter;
import dev.stallwatch.report.Stacks;
import java.lang.management.ThreadInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import jdk.jfr.consumer.RecordedClass;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingStream;

/**
 * Waits of <em>virtual</em> threads to enter a {@code synchronized} block or method on JDK 21 to 23, from the JVM's
 * flight recorder. Platform threads are watched live by {@link MonitorWaits}; virtual threads cannot be, since the JVM
 * does not list them as threads. On JDK 21-23 a virtual thread blocked on a monitor pins its carrier and the recorder's
 * {@code jdk.JavaMonitorEnter} event covers it, but only when the wait ends, so these are reported after the fact
 * ({@code phase: "waited"}), naming the previous owner the JVM recorded. From JDK 24 a virtual thread blocked on a
 * monitor unmounts instead, and the JVM emits no such event for it (checked on 25.0.3): nothing the JVM offers shows
 * those waits, which {@link #startForVirtualThreads} says once on stderr.
 *
 * <p>Only events longer than the lock-wait threshold are recorded, so the recorder costs nothing per wait until a
 * thread has already waited that long; and it is started only once the program has begun to use virtual threads
 * ({@link MonitorWaits} tells), so a program without them never pays for a recorder at all.
 */
public final class MonitorContention {
  private static final String EVENT = "jdk.JavaMonitorEnter";

  private final Detections detections;
  private final Duration threshold;
  private final SiteRateLimiter rateLimiter = new SiteRateLimiter(10_000);
  /** How long the shutdown hook waits for a recorder that is still starting. */
  private static final Duration STOP_WAIT = Duration.ofSeconds(2);

  private final Object lifecycle = new Object();
  private final CountDownLatch started = new CountDownLatch(1);
  private boolean closing;
  private boolean streamerStarted;
  /** From this JDK on, a virtual thread blocked on a monitor unmounts and the recorder no longer sees its wait. */
  private static final int FIRST_UNMOUNTING_JDK = 24;
  private boolean starting;
  private RecordingStream stream;

  private MonitorContention(Detections detections, Duration threshold) {
    this.detections = detections;
    this.threshold = threshold;
  }

  public static MonitorContention create(Detections detections, Duration threshold) {
    return new MonitorContention(detections, threshold);
  }

  /**
   * Starts streaming on a daemon thread of the agent's own ({@code stallwatch-monitors}); the first call only.
   * Starting the recorder takes a few hundred milliseconds that must not delay the caller, and
   * {@code RecordingStream.startAsync} would start a non-daemon thread that keeps the JVM from exiting.
   */
  public void startForVirtualThreads() {
    synchronized (lifecycle) {
      if (closing || streamerStarted) {
        return;
      }
      streamerStarted = true;
    }
    if (Runtime.version().feature() >= FIRST_UNMOUNTING_JDK) {
      AgentLog.line("this program uses virtual threads: their waits to enter synchronized are not reported on JDK "
          + Runtime.version().feature() + " (the JVM shows no such wait of an unmounted virtual thread); their "
          + "java.util.concurrent lock waits and every platform thread's monitor waits are");
      return;
    }
    Thread streamer = new Thread(this::stream, "stallwatch-monitors");
    streamer.setDaemon(true);
    streamer.setContextClassLoader(MonitorContention.class.getClassLoader());
    streamer.start();
  }

  private void stream() {
    try {
      RecordingStream recording;
      synchronized (lifecycle) {
        if (closing) {
          return;
        }
        recording = new RecordingStream();
        recording.enable(EVENT).withThreshold(threshold).withStackTrace();
        recording.onEvent(EVENT, this::onMonitorEnter);
        recording.onFlush(started::countDown);
        stream = recording;
        starting = true;
      }
      try (recording) {
        recording.start();
      }
    } catch (IllegalStateException shuttingDown) {
      // the JVM began to exit before or while the recorder started
    } catch (Throwable t) {
      AgentLog.line("monitor contention: the flight recorder could not be started, so waits on synchronized "
          + "blocks by virtual threads are not reported (" + t + ")");
    } finally {
      started.countDown();
    }
  }

  /**
   * Called from the agent's shutdown hook. If the recorder is starting, waits briefly until it has: a recorder still
   * starting when the JVM dies can print JVM errors. But if the JVM began to exit while the recorder was starting, the
   * start may never finish (seen on JDK 25: {@code JVM.beginRecording} stalls once shutdown has begun, holding the
   * recorder's lock that {@code close} needs); then the recorder is left alone, because an exit that hangs is worse
   * than any message.
   */
  public void stop() {
    RecordingStream recording;
    boolean wasStarting;
    synchronized (lifecycle) {
      closing = true;
      recording = stream;
      wasStarting = starting;
    }
    if (recording == null) {
      return;
    }
    if (wasStarting && !awaitStarted()) {
      return;
    }
    recording.close();
  }

  private boolean awaitStarted() {
    try {
      return started.await(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void onMonitorEnter(RecordedEvent event) {
    try {
      RecordedThread waiter = event.getThread();
      if (waiter == null || !isVirtual(waiter)) {
        return; // platform threads are reported live by MonitorWaits
      }
      List<String> stack = frames(event.getStackTrace());
      String keyFrame = Stacks.keyFrame(stack);
      long suppressed = rateLimiter.admit(keyFrame == null ? "?" : keyFrame, System.currentTimeMillis());
      if (suppressed < 0) {
        return;
      }
      detections.report(describe(event, waiter, stack, suppressed));
    } catch (Throwable t) {
      // one odd event must not stop the stream
    }
  }

  /** {@code RecordedThread.isVirtual()} is JDK 21 API; the field it reads is there on every JDK that has it. */
  private static boolean isVirtual(RecordedThread thread) {
    return thread.hasField("virtual") && thread.getBoolean("virtual");
  }

  private Detection describe(RecordedEvent event, RecordedThread waiter, List<String> stack, long suppressed) {
    String name = waiter.getJavaName() == null || waiter.getJavaName().isEmpty()
        ? "#" + waiter.getJavaThreadId() : waiter.getJavaName();
    RecordedClass monitorClass = event.getClass("monitorClass");
    String lock = (monitorClass == null ? "java.lang.Object" : monitorClass.getName()) + "@0x"
        + Long.toHexString(event.getLong("address"));
    long waited = event.getDuration().toMillis();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("lock", lock);
    details.put("lockClass", monitorClass == null ? "java.lang.Object" : monitorClass.getName());
    details.put("monitor", true);
    details.put("virtual", true);
    details.put("phase", "waited");
    details.put("waitedMillis", waited);
    details.put("thresholdMillis", threshold.toMillis());
    StringBuilder message = new StringBuilder("Virtual thread \"").append(name).append("\" waited ")
        .append(Durations.format(Duration.ofMillis(waited))).append(" to enter synchronized on ").append(lock);
    RecordedThread previousOwner = event.getThread("previousOwner");
    if (previousOwner != null) {
      details.put("owner", owner(previousOwner));
      message.append(", held by thread \"").append(previousOwner.getJavaName()).append('"');
    }
    message.append(" (reported when the wait ended).");
    HeldBackWaits.note(message, details, suppressed, false);
    return Detection.of(DetectionKind.LOCK_WAIT, name, message.toString(), stack, details);
  }

  /** The previous owner as the JVM named it, with its state and stack now, if it is still alive. */
  private static Map<String, Object> owner(RecordedThread previousOwner) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("name", previousOwner.getJavaName());
    long id = previousOwner.getJavaThreadId();
    ThreadInfo info = id > 0 ? ThreadBean.get().getThreadInfo(id, Integer.MAX_VALUE) : null;
    d.put("alive", info != null);
    if (info != null) {
      d.put("state", info.getThreadState().name());
      d.put("stack", Stacks.toStrings(info.getStackTrace()));
    }
    return d;
  }

  private static List<String> frames(RecordedStackTrace trace) {
    List<String> out = new ArrayList<>();
    if (trace == null) {
      return out;
    }
    for (RecordedFrame frame : trace.getFrames()) {
      if (!frame.isJavaFrame()) {
        continue;
      }
      String type = frame.getMethod().getType().getName();
      String outer = type.substring(type.lastIndexOf('.') + 1);
      int nested = outer.indexOf('$');
      String file = (nested > 0 ? outer.substring(0, nested) : outer) + ".java";
      int line = frame.getLineNumber();
      out.add(type + "." + frame.getMethod().getName() + "(" + file + (line > 0 ? ":" + line : "") + ")");
    }
    return out;
  }
}
