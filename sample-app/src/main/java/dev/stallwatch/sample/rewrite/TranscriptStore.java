package dev.stallwatch.sample.rewrite;

import org.springframework.stereotype.Component;

/** Where a closed session's transcript (what was rewritten for whom) is written; the write takes disk time. */
@Component
public class TranscriptStore {
  private final RewriteSettings settings;

  public TranscriptStore(RewriteSettings settings) {
    this.settings = settings;
  }

  public void write(String sessionId, String client, int documents) {
    SimulatedLatency.of(settings.storage().transcriptWrite());
  }
}
