package dev.stallwatch.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ServiceNameTest {
  @Test
  void jarApplicationsAreNamedAfterTheJar() {
    assertThat(ServiceName.fromCommand("/opt/app/block-rewriter-1.2.jar --port 8080")).isEqualTo("block-rewriter-1.2");
  }

  @Test
  void classApplicationsAreNamedAfterTheMainClass() {
    assertThat(ServiceName.fromCommand("com.acme.RewriteServer arg")).isEqualTo("com.acme.RewriteServer");
  }

  @Test
  void anUnknownCommandStillGivesAName() {
    assertThat(ServiceName.fromCommand("")).isEqualTo("java");
  }
}
