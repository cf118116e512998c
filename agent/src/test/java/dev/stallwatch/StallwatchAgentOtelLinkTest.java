package dev.stallwatch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The launcher's reading of the OpenTelemetry agent's API version, which decides whether stallwatch can join it. */
class StallwatchAgentOtelLinkTest {
  @Test
  void newerOrEqualApiVersionsCanBeJoinedAndOlderOnesCannot() {
    assertThat(StallwatchAgentOtelLink.compareVersions("1.67.0", "1.63.0")).isPositive();
    assertThat(StallwatchAgentOtelLink.compareVersions("1.63.0", "1.63.0")).isZero();
    assertThat(StallwatchAgentOtelLink.compareVersions("1.9.0", "1.63.0")).as("numeric, not textual").isNegative();
    assertThat(StallwatchAgentOtelLink.compareVersions("2.0.0", "1.63.0")).isPositive();
    assertThat(StallwatchAgentOtelLink.compareVersions("1.63.0-alpha", "1.63.0")).as("a qualifier is ignored")
        .isZero();
  }

  @Test
  void withoutAnOpenTelemetryAgentThereIsNothingToJoin() {
    assertThat(StallwatchAgentOtelLink.joinable(null)).isFalse();
  }
}
