package dev.stallwatch.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stallwatch.testing.Jdk;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Runs a real Maven build of a small project (src/it/project) in a forked Maven, its tests under the packaged agent
 * and the extension jar just built, as a user's build would: the leaking test, the self-deadlocking test and the
 * lock-order deadlock fail naming the line and the threads; the correct ones (a permit released by another thread, a
 * permit the class keeps, tests running in parallel) pass; the build fails. Without the bad tests it passes. Offline,
 * against the build's own local repository (the project pins the plugin versions this build uses); the extension jar
 * comes in with system scope, so nothing is installed into a shared repository. One build per JDK with every test,
 * one on the build's JDK without the bad ones: each costs a Maven start, so there are no more.
 */
class StallwatchExtensionIT {
  private static final Set<String> BAD_TESTS = Set.of("LeakingTest.java", "SelfDeadlockTest.java",
      "LockOrderDeadlockTest.java");
  private static final long BUILD_TIMEOUT_SECONDS = 180;

  static Stream<Jdk> jdks() {
    return Jdk.all().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void leakingAndDeadlockingTestsFailNamingTheLineAndTheThreadsAndTheBuildFails(Jdk jdk) throws Exception {
    Build build = Build.run("with-bad-tests-" + jdk.feature(), jdk, Set.of());

    assertThat(build.exitCode).as(build.describe()).isNotZero();
    Map<String, String> failures = build.failures();
    assertThat(failures.keySet()).as(build.describe()).containsExactlyInAnyOrder(
        "example.LeakingTest.fetchThatTimesOutReturnsTheFallback",
        "example.SelfDeadlockTest.backgroundRefreshTakesItsOwnLockTwice",
        "example.LockOrderDeadlockTest.opposingTransfersDeadlock");
    assertThat(failures.get("example.LeakingTest.fetchThatTimesOutReturnsTheFallback"))
        .contains("A permit of java.util.concurrent.Semaphore@")
        .contains("taken at example.LeakingTest.fetch(LeakingTest.java:" + build.line("LeakingTest.java", "LEAK-SITE")
            + ")")
        .contains("[permit_leak]");
    assertThat(failures.get("example.SelfDeadlockTest.backgroundRefreshTakesItsOwnLockTwice"))
        .contains("Deadlock: thread \"cache-refresher\" waits for a permit of java.util.concurrent.Semaphore@")
        .contains("it is waiting for itself")
        .contains("example.SelfDeadlockTest.refreshEntry(SelfDeadlockTest.java:"
            + build.line("SelfDeadlockTest.java", "SELF-DEADLOCK-SITE") + ")")
        .contains("[deadlock]")
        .doesNotContain("[permit_leak]");
    assertThat(failures.get("example.LockOrderDeadlockTest.opposingTransfersDeadlock"))
        .containsPattern("Deadlock: thread \"transfer-to-(savings|checking)\" waits for java.lang.Object@")
        .contains("\"transfer-to-savings\" BLOCKED", "\"transfer-to-checking\" BLOCKED")
        .contains("LockOrderDeadlockTest.java:" + build.line("LockOrderDeadlockTest.java", "LOCK-ORDER-SITE") + ")")
        .contains("[deadlock]");
    assertThat(build.passed()).as(build.describe()).contains(
        "example.GoodTest.permitReleasedByAnotherThreadIsNoLeak",
        "example.GoodTest.permitKeptByTheClassIsNotThisTestsLeak",
        "example.ParallelTest.permitReleasedOnAPoolThreadWhileOthersRun");
    assertThat(build.passed()).as(build.describe()).hasSize(4 + 6 + 1);
  }

  @Test
  void withoutTheBadTestsTheBuildPasses() throws Exception {
    Build build = Build.run("without-bad-tests", Jdk.current(), BAD_TESTS);

    assertThat(build.exitCode).as(build.describe()).isZero();
    assertThat(build.failures()).as(build.describe()).isEmpty();
    assertThat(build.passed()).as(build.describe()).hasSize(4 + 6 + 1);
  }

  /** One forked Maven build of a copy of the project, and what its Surefire reports say. */
  private static final class Build {
    final Path dir;
    final Path log;
    final int exitCode;

    private Build(Path dir, Path log, int exitCode) {
      this.dir = dir;
      this.log = log;
      this.exitCode = exitCode;
    }

    static Build run(String name, Jdk testJdk, Set<String> leftOut) throws IOException, InterruptedException {
      Path dir = Paths.get(property("stallwatch.test.work")).resolve(name);
      copyProject(Paths.get(property("stallwatch.test.project")), dir, leftOut);
      Path log = dir.resolve("build.log");
      List<String> command = new ArrayList<>(List.of(property("stallwatch.test.mvnw"), "-B", "-o", "-ntp",
          "-f", dir.resolve("pom.xml").toString(), "test",
          "-Dmaven.repo.local=" + property("stallwatch.test.localRepository"),
          "-Djunit.version=" + property("stallwatch.test.junitVersion"),
          "-Dstallwatch.agent.jar=" + Paths.get(property("stallwatch.test.agentJar")).toAbsolutePath().normalize(),
          "-Dstallwatch.junit.jar=" + Paths.get(property("stallwatch.test.junitJar")).toAbsolutePath().normalize(),
          "-Dtest.jvm=" + testJdk.java()));
      ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
          .redirectOutput(log.toFile());
      Map<String, String> env = builder.environment();
      // Maven runs on the JDK running this test; the forked Maven must not take this build's settings for its own.
      env.put("JAVA_HOME", System.getProperty("java.home"));
      env.remove("MAVEN_PROJECTBASEDIR");
      env.remove("MAVEN_CMD_LINE_ARGS");
      env.remove("MAVEN_OPTS");
      Process process = builder.start();
      if (!process.waitFor(BUILD_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("the build of " + dir + " took more than " + BUILD_TIMEOUT_SECONDS + " s; see "
            + log);
      }
      return new Build(dir, log, process.exitValue());
    }

    private static void copyProject(Path from, Path to, Set<String> leftOut) throws IOException {
      if (Files.exists(to)) {
        try (Stream<Path> old = Files.walk(to)) {
          for (Path p : old.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
            Files.delete(p);
          }
        }
      }
      try (Stream<Path> files = Files.walk(from)) {
        for (Path source : files.toList()) {
          if (leftOut.contains(source.getFileName().toString())) {
            continue;
          }
          Path target = to.resolve(from.relativize(source).toString());
          if (Files.isDirectory(source)) {
            Files.createDirectories(target);
          } else {
            Files.copy(source, target);
          }
        }
      }
    }

    /** Test (class.method, with a repetition's name appended) to its failure message and trace, from the reports. */
    Map<String, String> failures() throws Exception {
      Map<String, String> failures = new HashMap<>();
      for (Element testCase : testCases()) {
        NodeList failed = testCase.getElementsByTagName("failure");
        NodeList errors = testCase.getElementsByTagName("error");
        Element problem = failed.getLength() > 0 ? (Element) failed.item(0)
            : errors.getLength() > 0 ? (Element) errors.item(0) : null;
        if (problem != null) {
          failures.put(name(testCase), problem.getAttribute("message") + "\n" + problem.getTextContent());
        }
      }
      return failures;
    }

    List<String> passed() throws Exception {
      List<String> passed = new ArrayList<>();
      for (Element testCase : testCases()) {
        if (testCase.getElementsByTagName("failure").getLength() == 0
            && testCase.getElementsByTagName("error").getLength() == 0
            && testCase.getElementsByTagName("skipped").getLength() == 0) {
          passed.add(name(testCase));
        }
      }
      return passed;
    }

    private static String name(Element testCase) {
      return testCase.getAttribute("classname") + "." + testCase.getAttribute("name").replaceAll("\\(\\)$", "");
    }

    private List<Element> testCases() throws Exception {
      List<Element> cases = new ArrayList<>();
      Path reports = dir.resolve("target/surefire-reports");
      if (!Files.isDirectory(reports)) {
        return cases;
      }
      try (Stream<Path> files = Files.list(reports)) {
        for (Path report : files.filter(p -> p.getFileName().toString().matches("TEST-.*\\.xml")).sorted()
            .toList()) {
          NodeList nodes = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(report.toFile())
              .getElementsByTagName("testcase");
          for (int i = 0; i < nodes.getLength(); i++) {
            cases.add((Element) nodes.item(i));
          }
        }
      }
      return cases;
    }

    /** The line number of the line of {@code file} marked with the comment {@code marker}. */
    int line(String file, String marker) throws IOException {
      List<String> lines = Files.readAllLines(dir.resolve("src/test/java/example").resolve(file),
          StandardCharsets.UTF_8);
      for (int i = 0; i < lines.size(); i++) {
        if (lines.get(i).contains("// " + marker)) {
          return i + 1;
        }
      }
      throw new AssertionError(file + " has no line marked " + marker);
    }

    String describe() {
      try {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return "the build in " + dir + " (exit code " + exitCode + "), its last lines:\n"
            + String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
      } catch (IOException e) {
        return "the build in " + dir + " (exit code " + exitCode + "; no log: " + e + ")";
      }
    }

    private static String property(String key) {
      String value = System.getProperty(key);
      if (value == null || value.isBlank()) {
        throw new IllegalStateException(key + " is not set; run this test through Maven (failsafe sets it)");
      }
      return value;
    }
  }
}
