package dev.stallwatch.sample.demo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Just enough of a JSON reader for one line of the detections file, so the demo needs nothing but a JDK. */
final class MiniJson {
  private final String text;
  private int at;

  private MiniJson(String text) {
    this.text = text;
  }

  /** A {@code Map}, {@code List}, {@code String}, {@code Double}, {@code Boolean} or null. */
  static Object parse(String text) {
    MiniJson reader = new MiniJson(text);
    return reader.value();
  }

  private Object value() {
    skipSpace();
    char c = text.charAt(at);
    switch (c) {
      case '{': return object();
      case '[': return array();
      case '"': return string();
      case 't': at += 4; return Boolean.TRUE;
      case 'f': at += 5; return Boolean.FALSE;
      case 'n': at += 4; return null;
      default: return number();
    }
  }

  private Map<String, Object> object() {
    Map<String, Object> out = new LinkedHashMap<>();
    at++;
    skipSpace();
    if (text.charAt(at) == '}') {
      at++;
      return out;
    }
    while (true) {
      skipSpace();
      String key = string();
      skipSpace();
      at++; // ':'
      out.put(key, value());
      skipSpace();
      if (text.charAt(at++) == '}') {
        return out;
      }
    }
  }

  private List<Object> array() {
    List<Object> out = new ArrayList<>();
    at++;
    skipSpace();
    if (text.charAt(at) == ']') {
      at++;
      return out;
    }
    while (true) {
      out.add(value());
      skipSpace();
      if (text.charAt(at++) == ']') {
        return out;
      }
    }
  }

  private String string() {
    StringBuilder out = new StringBuilder();
    at++; // opening quote
    while (true) {
      char c = text.charAt(at++);
      if (c == '"') {
        return out.toString();
      }
      if (c != '\\') {
        out.append(c);
        continue;
      }
      char e = text.charAt(at++);
      switch (e) {
        case 'n' -> out.append('\n');
        case 't' -> out.append('\t');
        case 'r' -> out.append('\r');
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'u' -> {
          out.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
          at += 4;
        }
        default -> out.append(e);
      }
    }
  }

  private Double number() {
    int start = at;
    while (at < text.length() && "+-0123456789.eE".indexOf(text.charAt(at)) >= 0) {
      at++;
    }
    return Double.parseDouble(text.substring(start, at));
  }

  private void skipSpace() {
    while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
      at++;
    }
  }
}
