package dev.stallwatch.sample.rewrite;

import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Reads a document as clients send it: an optional title line starting with {@code "# "}, then blocks of prose
 * separated by blank lines.
 */
@Component
public class DocumentParser {
  private final RewriteSettings settings;

  public DocumentParser(RewriteSettings settings) {
    this.settings = settings;
  }

  public record Document(String title, List<String> blocks) {}

  public Document parse(String text) {
    String[] lines = text.split("\n", -1);
    String title = null;
    int first = 0;
    if (lines.length > 0 && lines[0].startsWith("# ")) {
      title = lines[0].substring(2);
      first = 1;
    }
    if (title == null && !settings.faulty(Fault.HANDLER_CRASH)) {
      title = "(untitled)";
    }
    // With the fault on, a document without a title line ends here with a NullPointerException: the code as it
    // shipped assumed every client sends a title.
    title = title.strip();
    List<String> blocks = new ArrayList<>();
    StringBuilder block = new StringBuilder();
    for (int i = first; i < lines.length; i++) {
      if (lines[i].isBlank()) {
        flush(block, blocks);
      } else {
        block.append(block.length() == 0 ? "" : " ").append(lines[i].strip());
      }
    }
    flush(block, blocks);
    return new Document(title, blocks);
  }

  private static void flush(StringBuilder block, List<String> blocks) {
    if (block.length() > 0) {
      blocks.add(block.toString());
      block.setLength(0);
    }
  }
}
