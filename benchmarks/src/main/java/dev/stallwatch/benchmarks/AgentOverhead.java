package dev.stallwatch.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs every benchmark twice in the same run, in forked JVMs without and with the agent, and prints a Markdown table
 * of both scores and their ratio.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar [agent jar] [benchmark regex] [forks]</pre>
 */
public final class AgentOverhead {
  private static final Map<String, String> units = new LinkedHashMap<>();
  public static void main(String[] args) throws Exception {
    Path agent = Paths.get(args.length > 0 ? args[0] : "agent/target/stallwatch-agent.jar").toAbsolutePath();
    String include = args.length > 1 ? args[1] : "LockBenchmarks|BlockBenchmarks";
    int forks = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    if (!Files.isRegularFile(agent)) {
      throw new IllegalArgumentException(agent + " not found; build it with ./mvnw -q package -DskipTests");
    }
    // Every exporter off: what is measured is the instrumentation, not a network.
    String[] quiet = {"-Dotel.traces.exporter=none", "-Dotel.metrics.exporter=none", "-Dotel.logs.exporter=none"};
    Map<String, double[]> scores = new LinkedHashMap<>();
    collect(scores, 0, run(include, forks, quiet));
    List<String> withAgent = new ArrayList<>(List.of(quiet));
    withAgent.add("-javaagent:" + agent);
    withAgent.add("-Dstallwatch.blocks=BlockBenchmarks#rewriteBlock");
    collect(scores, 1, run(include, forks, withAgent.toArray(String[]::new)));

    System.out.println();
    System.out.println("JMH " + forks + " forks, java " + System.getProperty("java.version") + ", " + LocalDate.now()
        + "; average time per operation, lower is better");
    System.out.println();
    System.out.println("| benchmark | unit | no agent | stallwatch | ratio |");
    System.out.println("|---|---|---:|---:|---:|");
    for (Map.Entry<String, double[]> e : scores.entrySet()) {
      double[] s = e.getValue();
      System.out.printf("| %s | %s | %.2f ± %.2f | %.2f ± %.2f | %.2fx |%n", e.getKey(), units.get(e.getKey()),
          s[0], s[2], s[1], s[3], s[1] / s[0]);
    }
  }

  private static Collection<RunResult> run(String include, int forks, String[] jvmArgs) throws Exception {
    ChainedOptionsBuilder options = new OptionsBuilder()
        .include(include)
        .forks(forks)
        .warmupIterations(3)
        .warmupTime(TimeValue.seconds(1))
        .measurementIterations(5)
        .measurementTime(TimeValue.seconds(1))
        .jvmArgsAppend(jvmArgs);
    return new Runner(options.build()).run();
  }

  private static void collect(Map<String, double[]> scores, int column, Collection<RunResult> results) {
    for (RunResult r : results) {
      String name = r.getParams().getBenchmark();
      name = name.substring(name.lastIndexOf('.') + 1);
      double[] s = scores.computeIfAbsent(name, k -> new double[4]);
      units.put(name, r.getPrimaryResult().getScoreUnit());
      s[column] = r.getPrimaryResult().getScore();
      s[column + 2] = r.getPrimaryResult().getScoreError();
    }
  }
}
