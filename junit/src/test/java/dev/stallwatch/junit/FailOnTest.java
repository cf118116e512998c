package dev.stallwatch.junit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class FailOnTest {
  private final List<String> warnings = new ArrayList<>();

  @Test
  void deadlocksAndLeakedPermitsFailATestByDefault() {
    assertThat(FailOn.load(new Properties(), Map.of(), warnings::add).kinds())
        .containsExactlyInAnyOrder("deadlock", "permit_leak");
    assertThat(warnings).isEmpty();
  }

  @Test
  void theSystemPropertyWinsOverTheEnvironment() {
    Properties properties = new Properties();
    properties.setProperty("stallwatch.junit.fail.on", " Lock_Wait , deadlock ");
    FailOn failOn = FailOn.load(properties, Map.of("STALLWATCH_JUNIT_FAIL_ON", "runaway"), warnings::add);

    assertThat(failOn.kinds()).containsExactlyInAnyOrder("lock_wait", "deadlock");
  }

  @Test
  void theEnvironmentVariableIsReadWhenNoPropertyIsSet() {
    FailOn failOn = FailOn.load(new Properties(), Map.of("STALLWATCH_JUNIT_FAIL_ON", "websocket_error"),
        warnings::add);

    assertThat(failOn.kinds()).containsExactly("websocket_error");
  }

  @Test
  void noneFailsNoTest() {
    Properties properties = new Properties();
    properties.setProperty("stallwatch.junit.fail.on", "none");

    assertThat(FailOn.load(properties, Map.of(), warnings::add).kinds()).isEmpty();
  }

  @Test
  void anUnknownKindIsOneLineNamingTheSettingAndTheDefaultIsUsed() {
    Properties properties = new Properties();
    properties.setProperty("stallwatch.junit.fail.on", "deadlock,leaks");
    FailOn failOn = FailOn.load(properties, Map.of(), warnings::add);

    assertThat(failOn.kinds()).containsExactlyInAnyOrder("deadlock", "permit_leak");
    assertThat(warnings).containsExactly("config: stallwatch.junit.fail.on=deadlock,leaks is not a list of detection "
        + "kinds (write some of deadlock, permit_leak, lock_wait, runaway, websocket_error, comma-separated, or none); "
        + "using the default deadlock,permit_leak");
  }
}
