package dev.stallwatch.instrumentation;

/**
 * A look at a class file before parsing it: every class the application loads passes the agent's transformers, and a
 * byte search of the constant pool rules out nearly all of them for the price of one pass over the bytes.
 */
public final class ClassBytes {
  private ClassBytes() {}

  /** Whether {@code needle} (UTF-8 of an internal name or a part of one) occurs anywhere in {@code bytes}. */
  public static boolean contains(byte[] bytes, byte[] needle) {
    outer:
    for (int i = 0, last = bytes.length - needle.length; i <= last; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (bytes[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
