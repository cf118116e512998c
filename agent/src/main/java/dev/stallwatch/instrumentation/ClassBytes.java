package dev.stallwatch.instrumentation;

import java.nio.charset.StandardCharsets;
import java.util.Collection;

/**
 * A look at a class file before parsing it: every class the application loads passes the agent's transformers, and a
 * byte search of the constant pool rules out nearly all of them for the price of one pass over the bytes.
 */
public final class ClassBytes {
  private ClassBytes() {}

  /**
   * Several strings looked for in one pass over the bytes, not one pass each: each byte is first looked up in a table
   * of the strings' first bytes, and only a position whose byte starts one of them is compared further. A
   * transformer with four owners to look for paid four passes over every class the application loaded (about 25 ms
   * of Tomcat's start with its examples, docs/performance.md).
   */
  public static final class Needles {
    private final byte[][] needles;
    private final boolean[] firstBytes = new boolean[256];

    /** The strings, as UTF-8; at least one, none empty. */
    public Needles(Collection<String> strings) {
      if (strings.isEmpty()) {
        throw new IllegalArgumentException("no strings to look for");
      }
      needles = new byte[strings.size()][];
      int i = 0;
      for (String string : strings) {
        byte[] needle = string.getBytes(StandardCharsets.UTF_8);
        if (needle.length == 0) {
          throw new IllegalArgumentException("an empty string matches every class");
        }
        needles[i++] = needle;
        firstBytes[needle[0] & 0xff] = true;
      }
    }

    /** Whether one of the strings occurs anywhere in {@code bytes}. */
    public boolean foundIn(byte[] bytes) {
      for (int i = 0; i < bytes.length; i++) {
        byte b = bytes[i];
        if (!firstBytes[b & 0xff]) {
          continue;
        }
        for (byte[] needle : needles) {
          if (needle[0] == b && matchesAt(bytes, i, needle)) {
            return true;
          }
        }
      }
      return false;
    }
  }

  private static boolean matchesAt(byte[] bytes, int at, byte[] needle) {
    if (at + needle.length > bytes.length) {
      return false;
    }
    for (int j = 1; j < needle.length; j++) {
      if (bytes[at + j] != needle[j]) {
        return false;
      }
    }
    return true;
  }
}
