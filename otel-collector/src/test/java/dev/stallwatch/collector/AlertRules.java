package dev.stallwatch.collector;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The shipped alerting rules and their promtool tests, and what the tests read out of the rules file. */
final class AlertRules {
  static final Path FILE = CollectorBuild.directory().resolve("prometheus/alerts.yml");
  static final Path TESTS = CollectorBuild.directory().resolve("prometheus/alerts_test.yml");
  static final Path RUNBOOKS = CollectorBuild.directory().resolve("../docs/runbooks.md").normalize();

  private static final Pattern ALERT = Pattern.compile("^\\s*- alert: (\\S+)\\s*$", Pattern.MULTILINE);
  private static final Pattern RUNBOOK_URL = Pattern.compile("runbook_url: \"([^\"]*)\"");
  private static final Pattern FOR_MINUTES = Pattern.compile("(?m)^(\\s*for: )(\\d+)m[ \\t]*$");

  private AlertRules() {}

  static List<String> alertNames() throws IOException {
    return all(ALERT, Files.readString(FILE));
  }

  static List<String> runbookUrls() throws IOException {
    return all(RUNBOOK_URL, Files.readString(FILE));
  }

  /**
   * A copy of the rules for a test that runs for seconds, not minutes: every {@code for: Nm} becomes {@code for:
   * N*10 s} (1 m: 10 s, 10 m: 100 s). Expressions, windows and thresholds are left as they ship. Ten seconds, not
   * less: the sample service without faults, under the demo load, has its four provider slots all taken now and
   * then while others wait (the exhaustion alert goes pending), and must not hold that long enough to fire.
   */
  static Path copyWithShortFor(Path directory) throws IOException {
    Matcher m = FOR_MINUTES.matcher(Files.readString(FILE));
    StringBuilder rules = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(rules, m.group(1) + Integer.parseInt(m.group(2)) * 10 + "s");
    }
    m.appendTail(rules);
    return Files.writeString(directory.resolve("alerts-short-for.yml"), rules);
  }

  private static List<String> all(Pattern pattern, String text) {
    List<String> found = new ArrayList<>();
    Matcher m = pattern.matcher(text);
    while (m.find()) {
      found.add(m.group(1));
    }
    return found;
  }
}
