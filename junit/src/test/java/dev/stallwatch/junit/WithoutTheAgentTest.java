package dev.stallwatch.junit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The unit tests run without the agent: the extension then finds no interface and fails nothing. */
@ExtendWith(StallwatchExtension.class)
class WithoutTheAgentTest {
  private static final Semaphore NEVER_RELEASED = new Semaphore(1);

  @Test
  void aLeakingTestPassesWhenTheAgentIsNotAttached() throws InterruptedException {
    NEVER_RELEASED.acquire();

    assertThat(AgentScopes.get().attached()).isFalse();
  }
}
