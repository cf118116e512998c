package dev.stallwatch.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * A JDK a forked test JVM runs on. Tests run on the JDK running Maven and on every JDK named in the
 * {@code stallwatch.test.jdks} system property (none by default; CI names its Temurin 25). A named JDK that is not
 * there fails the test rather than being skipped: it is a typo or a broken machine, and skipping it would hide that the
 * tests never ran there.
 */
public record Jdk(String version, Path home) {

  /** Every JDK the tests should run on; the first is the one running the build. */
  public static List<Jdk> all() {
    List<Jdk> jdks = new ArrayList<>();
    jdks.add(of(Paths.get(System.getProperty("java.home"))));
    String extra = System.getProperty("stallwatch.test.jdks", "");
    for (String entry : extra.split(File.pathSeparator)) {
      if (entry.isBlank()) {
        continue;
      }
      Path home = Paths.get(entry.trim());
      if (!Files.isExecutable(home.resolve("bin/java"))) {
        throw new IllegalStateException("stallwatch.test.jdks names " + home + ", which has no bin/java: a typo, or"
            + " a JDK that is not installed here (leave stallwatch.test.jdks unset to test on the build's JDK alone)");
      }
      jdks.add(of(home));
    }
    return jdks;
  }

  /** The newest JDK the tests know (for virtual threads and JDK 24+ behaviour). */
  public static Jdk newest() {
    List<Jdk> all = all();
    return all.get(all.size() - 1);
  }

  public static Jdk current() {
    return all().get(0);
  }

  static Jdk of(Path home) {
    String version = "?";
    try {
      for (String line : Files.readAllLines(home.resolve("release"))) {
        if (line.startsWith("JAVA_VERSION=")) {
          version = line.substring("JAVA_VERSION=".length()).replace("\"", "");
        }
      }
    } catch (IOException e) {
      version = System.getProperty("java.version");
    }
    return new Jdk(version, home);
  }

  public int feature() {
    String first = version.split("[.+-]")[0];
    return Integer.parseInt(first);
  }

  public Path java() {
    return home.resolve("bin/java");
  }

  @Override
  public String toString() {
    return "JDK " + version;
  }
}
