package dev.stallwatch.sample.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The documents one client edits, as an editor sends them: the whole document on every revision, with two of its
 * blocks changed since the last one. Like real traffic it has a few awkward ones: every 7th revision has lost its
 * title line, and every 10th has a pasted table far longer than the provider accepts in one block.
 */
final class DocumentGenerator {
  private static final String[] SUBJECTS = {"The team", "Our provider", "The new release", "Each session",
      "The migration", "This quarter's plan", "The editor", "Every reviewer"};
  private static final String[] VERBS = {"will utilize", "should leverage", "can facilitate", "must commence",
      "will terminate", "may endeavour to improve", "subsequently reviews", "approximately doubles"};
  private static final String[] OBJECTS = {"the shared cache", "the block pipeline", "our rewrite budget",
      "the release checklist", "every open session", "the billing export", "the style guide", "the provider pool"};
  private static final int BLOCKS = 6;

  private final Random random;
  private final String title;
  private final List<String> blocks = new ArrayList<>();
  private long revision;

  DocumentGenerator(long seed) {
    random = new Random(seed);
    title = "Design note " + seed;
    for (int i = 0; i < BLOCKS; i++) {
      blocks.add(paragraph());
    }
  }

  String next() {
    revision++;
    for (int i = 0; i < 2; i++) {
      blocks.set(random.nextInt(BLOCKS), paragraph());
    }
    StringBuilder document = new StringBuilder();
    if (revision % 7 != 0) {
      document.append("# ").append(title).append(" (revision ").append(revision).append(")\n");
    }
    for (int i = 0; i < BLOCKS; i++) {
      if (i > 0) {
        document.append("\n\n");
      }
      document.append(blocks.get(i));
      if (i == 2 && revision % 10 == 0) {
        document.append("\n\n").append(pastedTable());
      }
    }
    return document.toString();
  }

  private String paragraph() {
    StringBuilder p = new StringBuilder();
    int sentences = 2 + random.nextInt(3);
    for (int s = 0; s < sentences; s++) {
      p.append(s == 0 ? "" : " ").append(sentence());
    }
    return p.toString();
  }

  private String sentence() {
    return SUBJECTS[random.nextInt(SUBJECTS.length)] + " " + VERBS[random.nextInt(VERBS.length)] + " "
        + OBJECTS[random.nextInt(OBJECTS.length)] + ".";
  }

  /** One block of about 3000 characters: a table pasted from a spreadsheet. */
  private String pastedTable() {
    StringBuilder table = new StringBuilder();
    for (int row = 1; table.length() < 3000; row++) {
      table.append(row == 1 ? "" : " ").append("Row ").append(row).append(": ")
          .append(OBJECTS[random.nextInt(OBJECTS.length)]).append(" costs ").append(random.nextInt(1000))
          .append(" units.");
    }
    return table.toString();
  }
}
