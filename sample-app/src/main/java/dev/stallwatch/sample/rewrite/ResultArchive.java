package dev.stallwatch.sample.rewrite;

import java.util.Map;
import org.springframework.stereotype.Component;

/** Where results of sessions that went away are archived; the write takes disk time. */
@Component
public class ResultArchive {
  private final RewriteSettings settings;

  public ResultArchive(RewriteSettings settings) {
    this.settings = settings;
  }

  public void write(String sessionId, Map<String, String> results) {
    SimulatedLatency.of(settings.storage().archiveWrite());
  }
}
