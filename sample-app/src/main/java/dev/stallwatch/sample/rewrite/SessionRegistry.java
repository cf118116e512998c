package dev.stallwatch.sample.rewrite;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.springframework.stereotype.Component;

/**
 * The open WebSocket sessions and who they belong to. Closing a session writes its transcript and drops its cached
 * results while the registry is locked, so that a client reconnecting at once never sees half of the old session:
 * the registry's lock is taken before the cache's, always.
 */
@Component
public class SessionRegistry {
  private final ReentrantLock lock = new ReentrantLock();
  private final Map<String, OpenSession> open = new HashMap<>();
  private final ResultCache cache;
  private final TranscriptStore transcripts;

  public SessionRegistry(ResultCache cache, TranscriptStore transcripts) {
    this.cache = cache;
    this.transcripts = transcripts;
  }

  private static final class OpenSession {
    final String client;
    int documents;

    OpenSession(String client) {
      this.client = client;
    }
  }

  public void open(String sessionId, String client) {
    lock.lock();
    try {
      open.put(sessionId, new OpenSession(client));
    } finally {
      lock.unlock();
    }
  }

  public void documentDone(String sessionId) {
    lock.lock();
    try {
      OpenSession session = open.get(sessionId);
      if (session != null) {
        session.documents++;
      }
    } finally {
      lock.unlock();
    }
  }

  public void close(String sessionId) {
    lock.lock();
    try {
      OpenSession session = open.remove(sessionId);
      if (session != null) {
        transcripts.write(sessionId, session.client, session.documents);
      }
      cache.evictSession(sessionId);
    } finally {
      lock.unlock();
    }
  }

  public boolean isOpen(String sessionId) {
    lock.lock();
    try {
      return open.containsKey(sessionId);
    } finally {
      lock.unlock();
    }
  }

  public int openCount() {
    lock.lock();
    try {
      return open.size();
    } finally {
      lock.unlock();
    }
  }
}
