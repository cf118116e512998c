package dev.stallwatch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {
  @ParameterizedTest
  @CsvSource({"250ms,250", "2s,2000", "1.5s,1500", "1m,60000", "1h,3600000", "750,750", " 3 s ,3000", "2S,2000"})
  void readsTheWaysUsersWriteDurations(String text, long millis) {
    assertThat(Durations.parse(text)).isEqualTo(Duration.ofMillis(millis));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "abc", "2 seconds", "1.5.5s", "-1s", "0", "0ms", "9999h", "1e3", "0x10"})
  void rejectsEverythingElse(String text) {
    assertThatThrownBy(() -> Durations.parse(text)).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @CsvSource({"1000,1s", "250,250ms", "60000,1m", "1500,1500ms", "7200000,2h"})
  void writesTheShortestExactForm(long millis, String text) {
    assertThat(Durations.format(Duration.ofMillis(millis))).isEqualTo(text);
  }
}
