package dev.stallwatch.telemetry;

import dev.stallwatch.log.AgentLog;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Says once, in one line, that the OpenTelemetry Java agent came after stallwatch on the command line
 * ({@code -javaagent:stallwatch-agent.jar -javaagent:opentelemetry-javaagent.jar}). Stallwatch's premain then ran
 * first, found no OpenTelemetry agent to join and started its own SDK, so its spans live in traces of their own; the
 * fix is the other order or the extension. Watched with a class file transformer that only compares a class name
 * prefix (that agent's {@code premain} class is the first of its classes the JVM loads), and removed after
 * {@link #WATCH_MILLIS}: agents' premains all run before {@code main}.
 */
public final class LateOpenTelemetryAgent implements ClassFileTransformer {
  static final String MESSAGE = "the OpenTelemetry Java agent started after stallwatch, so stallwatch exports "
      + "with its own SDK and its spans are not part of the application's traces; to join them, put "
      + "-javaagent:opentelemetry-javaagent.jar before -javaagent:stallwatch-agent.jar, or load stallwatch as its "
      + "extension with -Dotel.javaagent.extensions=stallwatch-agent.jar";
  private static final String AGENT_PACKAGE = "io/opentelemetry/javaagent/";
  private static final long WATCH_MILLIS = 30_000;

  private final Instrumentation instrumentation;
  private final long until = System.currentTimeMillis() + WATCH_MILLIS;
  private final AtomicBoolean done = new AtomicBoolean();

  private LateOpenTelemetryAgent(Instrumentation instrumentation) {
    this.instrumentation = instrumentation;
  }

  /** Starts watching; the returned task, run now and then, stops the watch once its time is up. */
  public static Runnable watch(Instrumentation instrumentation) {
    LateOpenTelemetryAgent watch = new LateOpenTelemetryAgent(instrumentation);
    instrumentation.addTransformer(watch);
    return () -> {
      if (System.currentTimeMillis() > watch.until) {
        watch.stop();
      }
    };
  }

  @Override
  public byte[] transform(ClassLoader loader, String className, Class<?> redefined, ProtectionDomain domain,
      byte[] classFile) {
    if (className != null && className.startsWith(AGENT_PACKAGE) && !done.get()) {
      AgentLog.line(MESSAGE);
      stop();
    }
    return null;
  }

  private void stop() {
    if (done.compareAndSet(false, true)) {
      instrumentation.removeTransformer(this);
    }
  }
}
