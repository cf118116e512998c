package dev.stallwatch.websocket;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sessions the container said were opened and has not yet said were closed, by the container's own session
 * object (by identity): what each is named in telemetry, and how it ended, for the {@code websocket_error} report of
 * a handler that failed in it. Touched once per session event, never per message.
 */
final class OpenSessions {
  /** Past this many, new sessions are still counted but not remembered (a container that never says close). */
  private static final int MAX_TRACKED = 200_000;

  private final Map<IdentityKey, Session> open = new ConcurrentHashMap<>();

  /** The session opened now, or null when it was already open (a second hook of the same open) or too many are. */
  Session opened(Object containerSession, WebSocketSite[] sites) {
    if (open.size() >= MAX_TRACKED) {
      return new Session(sites, false);
    }
    Session session = new Session(sites, true);
    return open.putIfAbsent(new IdentityKey(containerSession), session) == null ? session : null;
  }

  Session get(Object containerSession) {
    return open.get(new IdentityKey(containerSession));
  }

  /** The session that closed now, or null when its opening was not seen (or its close already was). */
  Session closed(Object containerSession) {
    return open.remove(new IdentityKey(containerSession));
  }

  /** One session as stallwatch saw it. */
  static final class Session {
    static final int OPEN = Integer.MIN_VALUE;

    final WebSocketSite[] sites;
    /** Whether it was counted in {@code websocket.sessions.active} (and must be taken out at close). */
    final boolean counted;
    private volatile int closeCode = OPEN;
    private volatile String closeReason;
    private volatile boolean closedByErrorCallback;
    /** The negotiated sub-protocol, set at the opening (null when none): on its metrics from open to close. */
    volatile String subprotocol;

    Session(WebSocketSite[] sites, boolean counted) {
      this.sites = sites;
      this.counted = counted;
    }

    void closed(int code, String reason, boolean byErrorCallback) {
      closeReason = reason;
      closedByErrorCallback = byErrorCallback;
      closeCode = code; // last: the watchdog reads it first
    }

    boolean isClosed() {
      return closeCode != OPEN;
    }

    int closeCode() {
      return closeCode;
    }

    String closeReason() {
      return closeReason;
    }

    boolean closedByErrorCallback() {
      return closedByErrorCallback;
    }
  }
}
