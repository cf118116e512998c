package dev.stallwatch.telemetry;

import dev.stallwatch.log.AgentLog;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;

/**
 * Says once, in one line, that the OpenTelemetry Java agent came after stallwatch on the command line
 * ({@code -javaagent:stallwatch-agent.jar -javaagent:opentelemetry-javaagent.jar}). Stallwatch's premain then ran
 * first, found no OpenTelemetry agent to join and started its own SDK, so its spans live in traces of their own; the
 * fix is the other order or the extension. Watched with a class file transformer that only compares a class name
 * prefix (that agent's {@code premain} class is the first of its classes the JVM loads; the line is said from the
 * watchdog within a tenth of a second), and removed after {@link #WATCH_MILLIS}: agents' premains all run before
 * {@code main}.
 */
public final class LateOpenTelemetryAgent implements ClassFileTransformer {
  static final String MESSAGE = "the OpenTelemetry Java agent started after stallwatch, so stallwatch exports "
      + "with its own SDK and its spans are not part of the application's traces; to join them, put "
      + "-javaagent:opentelemetry-javaagent.jar before -javaagent:stallwatch-agent.jar, or load stallwatch as its "
      + "extension with -Dotel.javaagent.extensions=stallwatch-agent.jar";
  /**
   * Built at run time: the build relocates every {@code io.opentelemetry} name in core.jar, string constants included,
   * and this one must stay the OpenTelemetry agent's own.
   */
  private static final String AGENT_PACKAGE = String.join("/", "io", "opentelemetry", "javaagent", "");
  private static final long WATCH_MILLIS = 30_000;

  private final Instrumentation instrumentation;
  private final long until = System.currentTimeMillis() + WATCH_MILLIS;
  /** Set by the transformer, read by the watchdog: a transformer runs inside class loading, where no I/O belongs. */
  private volatile boolean seen;
  private boolean over;

  private LateOpenTelemetryAgent(Instrumentation instrumentation) {
    this.instrumentation = instrumentation;
  }

  /**
   * Starts watching; the returned task, run often on the watchdog, says the line once the OpenTelemetry agent was
   * seen and removes the transformer then or once its time is up.
   */
  public static Runnable watch(Instrumentation instrumentation) {
    LateOpenTelemetryAgent watch = new LateOpenTelemetryAgent(instrumentation);
    instrumentation.addTransformer(watch);
    return watch::check;
  }

  @Override
  public byte[] transform(ClassLoader loader, String className, Class<?> redefined, ProtectionDomain domain,
      byte[] classFile) {
    if (!seen && className != null && className.startsWith(AGENT_PACKAGE)) {
      seen = true;
    }
    return null;
  }

  private void check() {
    if (over) {
      return;
    }
    if (seen) {
      AgentLog.line(MESSAGE);
    }
    if (seen || System.currentTimeMillis() > until) {
      over = true;
      instrumentation.removeTransformer(this);
    }
  }
}
