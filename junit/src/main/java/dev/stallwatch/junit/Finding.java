package dev.stallwatch.junit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One detection the agent made during a test, as much of it as a failure message shows: its kind, its sentence, and
 * the threads it is about with their frames (every thread of a deadlock; the one thread of a lock wait or a runaway
 * operation). Read from the JSON the agent hands back, the form of its JSON Lines file.
 */
record Finding(String kind, String message, List<ThreadFrames> threads) {
  /** Frames shown per thread: enough to see the test's own code under the JDK's lock frames. */
  static final int FRAMES_SHOWN = 12;

  record ThreadFrames(String name, String state, List<String> frames) {}

  /** The finding in {@code json}, or null when it is not a detection (an agent of another release, say). */
  static Finding parse(String json) {
    Object value;
    try {
      value = JsonReader.read(json);
    } catch (IllegalArgumentException e) {
      return null;
    }
    if (!(value instanceof Map<?, ?> map) || !(map.get("kind") instanceof String kind)
        || !(map.get("message") instanceof String message)) {
      return null;
    }
    List<ThreadFrames> threads = new ArrayList<>();
    if (map.get("threads") instanceof List<?> list) {
      for (Object t : list) {
        if (t instanceof Map<?, ?> m) {
          threads.add(new ThreadFrames(string(m.get("name")), string(m.get("state")), strings(m.get("stack"))));
        }
      }
    } else if (!kind.equals("permit_leak")) {
      threads.add(new ThreadFrames(string(map.get("thread")), null, strings(map.get("stack"))));
    }
    return new Finding(kind, message, threads);
  }

  /** What the failed test says: each finding's sentence, then the frames of the threads it names. */
  static String failureMessage(List<Finding> findings) {
    StringBuilder out = new StringBuilder();
    if (findings.size() == 1) {
      out.append("stallwatch: ");
    } else {
      out.append("stallwatch found ").append(findings.size()).append(" problems in this test:");
    }
    for (int i = 0; i < findings.size(); i++) {
      Finding f = findings.get(i);
      if (findings.size() > 1) {
        out.append("\n").append(i + 1).append(". ");
      }
      out.append(f.message()).append(" [").append(f.kind()).append(']');
      for (ThreadFrames t : f.threads()) {
        if (t.frames().isEmpty()) {
          continue;
        }
        out.append("\n    \"").append(t.name()).append('"');
        if (t.state() != null) {
          out.append(' ').append(t.state());
        }
        int shown = Math.min(FRAMES_SHOWN, t.frames().size());
        for (String frame : t.frames().subList(0, shown)) {
          out.append("\n        at ").append(frame);
        }
        if (t.frames().size() > shown) {
          out.append("\n        ... ").append(t.frames().size() - shown).append(" more");
        }
      }
    }
    return out.toString();
  }

  private static String string(Object value) {
    return value instanceof String s ? s : "?";
  }

  private static List<String> strings(Object value) {
    List<String> out = new ArrayList<>();
    if (value instanceof List<?> list) {
      for (Object o : list) {
        out.add(String.valueOf(o));
      }
    }
    return out;
  }
}
