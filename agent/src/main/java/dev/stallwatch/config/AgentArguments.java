package dev.stallwatch.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the agent's arguments, the text after {@code -javaagent:stallwatch-agent.jar=} or the option of
 * {@code jcmd <pid> JVMTI.agent_load stallwatch-agent.jar <option>} and {@code VirtualMachine.loadAgent(jar, option)}:
 * the only way to configure an agent loaded into a running JVM, whose system properties were fixed at its start.
 *
 * <p>Settings are {@code key=value} separated by commas, with the keys users already know ({@code stallwatch.*},
 * {@code otel.*}). Several values are lists written with commas themselves ({@code stallwatch.blocks},
 * {@code otel.resource.attributes}, {@code otel.exporter.otlp.headers}), so a comma starts a new setting only when
 * what follows it reads {@code stallwatch.<name>=} or {@code otel.<name>=} (a name of letters, digits, dots, dashes and
 * underscores); otherwise the comma and what follows belong to the value before it. A value is everything after the
 * first {@code =}, so it may hold more. Empty pieces (a trailing comma, two commas) are skipped. Nothing here fails:
 * a piece that is no setting is named in one warning and ignored; the values are judged by {@link ConfigLoader}.
 */
public final class AgentArguments {
  private static final Pattern SETTING = Pattern.compile("^((?:stallwatch|otel)\\.[A-Za-z0-9._-]+)=(.*)$",
      Pattern.DOTALL);

  /** A key with no value: what jcmd leaves of {@code key=value,...} when it was not quoted (it splits at '='). */
  private static final Pattern BARE_KEY = Pattern.compile("^(?:stallwatch|otel)\\.[A-Za-z0-9._-]+$");
  private static final String JCMD_HINT = " (jcmd cuts an unquoted option at its first '=': give it in double quotes, "
      + "jcmd <pid> JVMTI.agent_load <jar> '\"key=value,...\"')";

  private AgentArguments() {}

  /** The settings in the order given (a key given twice keeps its last value); never null. */
  public static Map<String, String> parse(String arguments, Consumer<String> warnings) {
    Map<String, String> settings = new LinkedHashMap<>();
    if (arguments == null || arguments.isBlank()) {
      return settings;
    }
    String key = null;
    StringBuilder value = new StringBuilder();
    for (String piece : arguments.split(",", -1)) {
      String trimmed = piece.trim();
      if (trimmed.isEmpty()) {
        continue;
      }
      Matcher setting = SETTING.matcher(trimmed);
      if (setting.matches()) {
        if (key != null) {
          settings.remove(key); // a key given twice: the last one counts, in its own place
          settings.put(key, value.toString().trim());
        }
        key = setting.group(1);
        value.setLength(0);
        value.append(setting.group(2));
      } else if (key != null) {
        value.append(',').append(trimmed);
      } else {
        warnings.accept("config: agent argument '" + trimmed + "' is not a stallwatch.* or otel.* setting "
            + "(key=value); it is ignored" + (BARE_KEY.matcher(trimmed).matches() ? JCMD_HINT : ""));
      }
    }
    if (key != null) {
      settings.remove(key);
      settings.put(key, value.toString().trim());
    }
    return settings;
  }

  /** The {@code otel.*} settings of {@code settings}, for the OpenTelemetry SDK. */
  public static Map<String, String> openTelemetry(Map<String, String> settings) {
    Map<String, String> otel = new LinkedHashMap<>();
    settings.forEach((k, v) -> {
      if (k.startsWith("otel.")) {
        otel.put(k, v);
      }
    });
    return otel;
  }
}
