package dev.stallwatch.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What a websocket_error says became of the session: what stallwatch saw, not what a container usually does. */
class HandlerErrorsTest {
  @Test
  void theOutcomeSentenceSaysWhatStallwatchSaw() {
    assertThat(HandlerErrors.outcome(null)).contains("cannot say whether the session stayed open");
    OpenSessions.Session open = new OpenSessions.Session(new WebSocketSite[0], true);
    assertThat(HandlerErrors.outcome(open)).isEqualTo("the session stayed open (not closed within 1000 ms)");
    open.closed(1011, "rewrite failed", true);
    assertThat(HandlerErrors.outcome(open))
        .isEqualTo("the session was then closed with 1011 (\"rewrite failed\") from the endpoint's error callback");
  }
}
