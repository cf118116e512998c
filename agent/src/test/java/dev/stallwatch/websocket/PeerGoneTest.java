package dev.stallwatch.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketException;
import java.nio.channels.ClosedChannelException;
import org.junit.jupiter.api.Test;

/** Which errors handed to an error callback only say that the peer went away (no detection for those). */
class PeerGoneTest {
  @Test
  void endOfStreamResetsAndClosedChannelsAnywhereInTheCausesAreAPeerGoingAway() {
    assertThat(PeerGone.is(new EOFException())).isTrue();
    assertThat(PeerGone.is(new SocketException("Connection reset"))).isTrue();
    assertThat(PeerGone.is(new IOException("Connection reset by peer"))).isTrue();
    assertThat(PeerGone.is(new IOException("Broken pipe"))).isTrue();
    assertThat(PeerGone.is(new RuntimeException("wrapped", new ClosedChannelException()))).isTrue();
    assertThat(PeerGone.is(new UncheckedIOException(new EOFException("Unexpected EOF")))).isTrue();
  }

  @Test
  void whatAHandlerThrowsAndOtherIoFailuresAreNot() {
    assertThat(PeerGone.is(new IllegalStateException("block cannot be rewritten"))).isFalse();
    assertThat(PeerGone.is(new IOException("disk full"))).isFalse();
    assertThat(PeerGone.is(new RuntimeException("wrapped", new IllegalArgumentException("closed")))).isFalse();
  }
}
