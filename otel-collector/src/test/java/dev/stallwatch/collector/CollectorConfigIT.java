package dev.stallwatch.collector;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** config.yaml is a configuration the collector built from builder-config.yaml accepts, and a broken one is not. */
class CollectorConfigIT {
  @Test
  void theShippedConfigValidatesWithTheBuiltCollector() throws Exception {
    Result result = validate(CollectorBuild.config());
    assertThat(result.exitCode()).as(result.output()).isZero();
  }

  @Test
  void aConfigNamingAComponentTheDistributionLacksIsRejected(@TempDir Path dir) throws Exception {
    // The trap: proves validation really checks components against the manifest, so the test above can fail.
    String config = Files.readString(CollectorBuild.config())
        .replace("exporters: [debug]", "exporters: [kafka]");
    Path broken = dir.resolve("config.yaml");
    Files.writeString(broken, config);
    Result result = validate(broken);
    assertThat(result.exitCode()).isNotZero();
    assertThat(result.output()).contains("kafka");
  }

  private static Result validate(Path config) throws Exception {
    Process process = new ProcessBuilder(CollectorBuild.binary().toString(), "validate", "--config=" + config)
        .redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(process.exitValue(), output);
  }

  private record Result(int exitCode, String output) {}
}
