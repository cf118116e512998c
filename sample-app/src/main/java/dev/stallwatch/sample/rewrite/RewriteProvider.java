package dev.stallwatch.sample.rewrite;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.stereotype.Component;

/**
 * The remote rewriting provider, simulated: it tidies a block of prose (whitespace, plain words for jargon, a capital
 * at each sentence start) after its usual latency, hiccups on every {@code slow-every}-th call by answering later
 * than callers wait for, and rejects blocks longer than it accepts.
 */
@Component
public class RewriteProvider {
  private static final Map<String, String> PLAIN_WORDS = Map.of(
      "utilize", "use", "leverage", "use", "facilitate", "help", "commence", "start",
      "terminate", "end", "approximately", "about", "subsequently", "then", "endeavour", "try");

  private final RewriteSettings.Provider settings;
  private final AtomicLong calls = new AtomicLong();

  public RewriteProvider(RewriteSettings settings) {
    this.settings = settings.provider();
  }

  /** The provider's answer for one block; slow calls take twice the callers' timeout. */
  public String rewrite(String block) throws BlockTooLongException {
    if (block.length() > settings.maxBlockChars()) {
      throw new BlockTooLongException(block.length(), settings.maxBlockChars());
    }
    long call = calls.incrementAndGet();
    boolean hiccup = settings.slowEvery() > 0 && call % settings.slowEvery() == 0;
    SimulatedLatency.of(hiccup ? settings.timeout().multipliedBy(2) : settings.latency());
    return tidy(block);
  }

  static String tidy(String block) {
    StringBuilder out = new StringBuilder(block.length());
    boolean sentenceStart = true;
    for (String word : block.trim().split("\\s+")) {
      String lower = word.toLowerCase(Locale.ROOT);
      String plain = PLAIN_WORDS.getOrDefault(lower.replaceAll("\\W+$", ""), null);
      String next = plain == null ? word : plain + lower.substring(lower.replaceAll("\\W+$", "").length());
      if (sentenceStart && !next.isEmpty()) {
        next = Character.toUpperCase(next.charAt(0)) + next.substring(1);
      }
      if (out.length() > 0) {
        out.append(' ');
      }
      out.append(next);
      sentenceStart = next.endsWith(".") || next.endsWith("!") || next.endsWith("?");
    }
    return out.toString();
  }

  /** The provider refuses a block over its size limit; asking again does not change its mind. */
  public static final class BlockTooLongException extends Exception {
    public BlockTooLongException(int length, int limit) {
      super("block of " + length + " characters is over the provider's limit of " + limit);
    }
  }
}
