package dev.stallwatch.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The exported names are the product's interface: the code's names and docs/telemetry.md must say the same. */
class TelemetryNamesTest {
  private static final Path DOC = Path.of("..", "docs", "telemetry.md");
  /** The first cell of a row: {@code | `stallwatch.detections` | counter | ...}. */
  private static final Pattern FIRST_CELL = Pattern.compile("^\\|\\s*`([^`]+)`\\s*\\|");

  @Test
  void everyMetricInTheDocsIsNamedInTheCodeAndEveryMetricInTheCodeIsDocumented() throws Exception {
    assertThat(metricsInCode()).isEqualTo(metricsInDocs());
  }

  @Test
  void everyAttributeKeyIsDocumented() throws Exception {
    String doc = Files.readString(DOC);
    for (Field field : TelemetryNames.class.getFields()) {
      if (isConstant(field) && field.getType() == AttributeKey.class) {
        String key = ((AttributeKey<?>) field.get(null)).getKey();
        assertThat(doc).as(field.getName()).contains("`" + key + "`");
      }
    }
  }

  @Test
  void spanNamesReadAsTheDocsShowThem() {
    assertThat(TelemetryNames.blockSpanName("com.acme.Pipeline", "processBlock")).isEqualTo("Pipeline.processBlock");
    assertThat(TelemetryNames.webSocketSpanName("message", "/rewrite/{document}"))
        .isEqualTo("websocket message /rewrite/{document}");
  }

  private static Set<String> metricsInCode() throws IllegalAccessException {
    Set<String> names = new TreeSet<>();
    for (Field field : TelemetryNames.class.getFields()) {
      if (isConstant(field) && field.getName().endsWith("_METRIC")) {
        names.add((String) field.get(null));
      }
    }
    assertThat(names).as("metric constants in TelemetryNames").isNotEmpty();
    return names;
  }

  /** The first column of every table whose header starts with {@code | metric |}. */
  private static Set<String> metricsInDocs() throws IOException {
    Set<String> names = new TreeSet<>();
    boolean inMetricTable = false;
    List<String> lines = Files.readAllLines(DOC);
    for (String line : lines) {
      if (!line.startsWith("|")) {
        inMetricTable = false;
      } else if (line.matches("^\\|\\s*metric\\s*\\|.*")) {
        inMetricTable = true;
      } else if (inMetricTable) {
        Matcher cell = FIRST_CELL.matcher(line);
        if (cell.find()) {
          names.add(cell.group(1));
        }
      }
    }
    assertThat(names).as("metrics in " + DOC).isNotEmpty();
    return names;
  }

  private static boolean isConstant(Field field) {
    return Modifier.isStatic(field.getModifiers()) && Modifier.isFinal(field.getModifiers());
  }
}
