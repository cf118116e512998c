package dev.stallwatch.junit;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails the test that left a semaphore permit out or deadlocked, with stallwatch's own sentence: the line that took
 * the permit, the threads of the deadlock and their frames. The bugs the agent finds in production are usually
 * reachable from a team's own tests, which pass (the leaking test checks its result and moves on; the deadlocked
 * background thread is never joined); this is where they are cheapest to catch.
 *
 * <p>Use it with {@code @ExtendWith(StallwatchExtension.class)}, or everywhere through JUnit's extension
 * auto-detection ({@code junit.jupiter.extensions.autodetection.enabled=true}). The test JVM must run under the agent
 * ({@code -javaagent:stallwatch-agent.jar} in Surefire's {@code argLine}, Gradle's {@code jvmArgs}); without it the
 * extension says so once and passes every test.
 *
 * <p>A test's scope runs from before its {@code @BeforeEach} methods to after its {@code @AfterEach} methods, so a
 * permit taken in one and released in the other is no leak. What counts in it (docs/architecture.md, "Test scopes"):
 * permits taken during the test, by any thread, and still out at its end; detections made while it ran. Which kinds
 * fail the test is {@code stallwatch.junit.fail.on} ({@link FailOn}).
 */
public final class StallwatchExtension implements BeforeEachCallback, AfterEachCallback {
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(
      StallwatchExtension.class);
  private static final String TOKEN = "scope";

  @Override
  public void beforeEach(ExtensionContext context) {
    AgentScopes agent = AgentScopes.get();
    if (!agent.attached()) {
      return;
    }
    long token = agent.begin(context.getUniqueId());
    if (token >= 0) {
      context.getStore(NAMESPACE).put(TOKEN, token);
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    Long token = context.getStore(NAMESPACE).remove(TOKEN, Long.class);
    if (token == null) {
      return;
    }
    Set<String> failOn = FailOn.get().kinds();
    List<Finding> failing = new ArrayList<>();
    for (String json : AgentScopes.get().end(token)) {
      Finding finding = Finding.parse(json);
      if (finding != null && failOn.contains(finding.kind())) {
        failing.add(finding);
      }
    }
    if (!failing.isEmpty()) {
      throw new AssertionError(Finding.failureMessage(failing));
    }
  }
}
