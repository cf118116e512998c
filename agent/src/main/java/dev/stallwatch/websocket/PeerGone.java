package dev.stallwatch.websocket;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.InterruptedByTimeoutException;
import java.util.Locale;

/**
 * Whether an error a container hands to an endpoint only says that the peer went away (a browser tab closed, a
 * connection reset or cut, a peer that stopped reading): end of stream, a reset or broken pipe, a closed channel, a
 * socket timeout, anywhere in its causes. Such a
 * session ends in an abnormal closure (1006), counted in metrics and on the close span; nobody can act on it, so it
 * is not a detection.
 */
final class PeerGone {
  private static final int MAX_DEPTH = 20;

  private PeerGone() {}

  static boolean is(Throwable error) {
    Throwable t = error;
    for (int depth = 0; t != null && depth < MAX_DEPTH; depth++) {
      if (t instanceof EOFException || t instanceof ClosedChannelException || t instanceof SocketException
          || t instanceof SocketTimeoutException || t instanceof InterruptedByTimeoutException) {
        return true;
      }
      if (t instanceof IOException && t.getClass().getName().startsWith("java.io.") && saysGone(t.getMessage())) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
      t = t.getCause();
    }
    return false;
  }

  private static boolean saysGone(String message) {
    if (message == null) {
      return false;
    }
    String m = message.toLowerCase(Locale.ROOT);
    return m.contains("reset") || m.contains("broken pipe") || m.contains("aborted") || m.contains("closed")
        || m.contains("end of stream") || m.contains("eof");
  }
}
