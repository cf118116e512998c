package dev.stallwatch.collector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The PromQL of every panel of the shipped Grafana dashboard, with its variables set to "all". */
final class Dashboard {
  static final Path FILE = CollectorBuild.directory().resolve("grafana/dashboards/stallwatch.json");

  private Dashboard() {}

  static List<String> queries() throws IOException {
    JsonNode dashboard = new ObjectMapper().readTree(FILE.toFile());
    List<String> queries = new ArrayList<>();
    for (JsonNode panel : dashboard.path("panels")) {
      for (JsonNode target : panel.path("targets")) {
        queries.add(target.path("expr").asText().replace("$service", ".*"));
      }
    }
    if (queries.isEmpty()) {
      throw new IllegalStateException(FILE + " has no queries");
    }
    return queries;
  }
}
