package dev.stallwatch.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The OpenTelemetry SDK's threads have no context class loader, so the agent knows them by the code at their root:
 * a thread whose outermost non-JDK frame is the agent loader's is the agent's, wherever the JDK's own frames (a thread
 * pool's worker loop) sit below it; a thread that merely calls into agent code is not.
 */
class StallwatchThreadOriginTest {
  private URLClassLoader agentLoader;
  private ExecutorService pool;

  @BeforeEach
  void loadTheProbeInALoaderOfItsOwn() {
    URL classes = OriginProbe.class.getProtectionDomain().getCodeSource().getLocation();
    URL main = StallwatchThreadOrigin.class.getProtectionDomain().getCodeSource().getLocation();
    agentLoader = new URLClassLoader("agent-stand-in", new URL[] {classes, main}, ClassLoader.getPlatformClassLoader());
  }

  @AfterEach
  void close() throws Exception {
    if (pool != null) {
      pool.shutdownNow();
    }
    agentLoader.close();
  }

  @Test
  void aThreadWhoseRunnableIsTheAgentsIsTheAgents() throws Exception {
    Runnable probe = newProbe();
    Thread thread = new Thread(probe, "sdk-like-worker");
    thread.start();
    thread.join(10_000);
    assertThat(answer(probe)).isTrue();
  }

  @Test
  void aPoolThreadRunningTheAgentsTaskIsTheAgents() throws Exception {
    pool = Executors.newSingleThreadExecutor();
    @SuppressWarnings("unchecked")
    Callable<Boolean> probe = (Callable<Boolean>) newProbe();
    assertThat(pool.submit(probe).get(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void anApplicationThreadCallingIntoAgentCodeIsNotTheAgents() throws Exception {
    @SuppressWarnings("unchecked")
    Callable<Boolean> probe = (Callable<Boolean>) newProbe();
    Boolean[] answer = new Boolean[1];
    Thread thread = new Thread(() -> {
      try {
        answer[0] = probe.call();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }, "application-thread");
    thread.start();
    thread.join(10_000);
    assertThat(answer[0]).isFalse();
    assertThat(probe.call()).as("the test's own thread").isFalse();
  }

  private Runnable newProbe() throws Exception {
    Class<?> type = agentLoader.loadClass(OriginProbe.class.getName());
    assertThat(type.getClassLoader()).isSameAs(agentLoader);
    return (Runnable) type.getConstructor().newInstance();
  }

  private static Boolean answer(Runnable probe) throws Exception {
    Field field = probe.getClass().getField("answer");
    return (Boolean) field.get(probe);
  }
}
