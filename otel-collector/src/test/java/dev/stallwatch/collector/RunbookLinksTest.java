package dev.stallwatch.collector;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Every alert's runbook_url lands on a section of docs/runbooks.md, so the link on a 3 AM page is never dead. */
class RunbookLinksTest {
  @Test
  void everyRunbookUrlPointsAtAHeadingOfTheRunbooks() throws IOException {
    Set<String> anchors = Files.readAllLines(AlertRules.RUNBOOKS).stream()
        .filter(line -> line.startsWith("#"))
        .map(RunbookLinksTest::anchor)
        .collect(Collectors.toSet());
    assertThat(AlertRules.runbookUrls()).hasSameSizeAs(AlertRules.alertNames()).allSatisfy(url -> {
      assertThat(url).startsWith("docs/runbooks.md#");
      assertThat(anchors).as("headings of %s", AlertRules.RUNBOOKS).contains(url.substring(url.indexOf('#') + 1));
    });
  }

  @Test
  void everyAlertLinksTheRunbookSectionNamedForIt() throws IOException {
    assertThat(AlertRules.runbookUrls()).containsExactlyElementsOf(AlertRules.alertNames().stream()
        .map(alert -> "docs/runbooks.md#" + alert.toLowerCase(Locale.ROOT)).toList());
  }

  /** The anchor GitHub (and most Markdown renderers) give a heading: lower case, punctuation dropped, spaces as -. */
  static String anchor(String heading) {
    return heading.replaceFirst("^#+\\s*", "").trim().toLowerCase(Locale.ROOT)
        .replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
  }
}
