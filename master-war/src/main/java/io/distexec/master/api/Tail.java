package io.distexec.master.api;

/** The last lines of a text. */
final class Tail {

  private Tail() {}

  /** The last {@code n} lines of {@code text} (all of it when {@code n} is null). */
  static String lines(String text, Integer n) {
    if (n == null) {
      return text;
    }
    if (n == 0) {
      return "";
    }
    int end = text.endsWith("\n") ? text.length() - 1 : text.length();
    int start = end;
    for (int found = 0; found < n; found++) {
      int newline = text.lastIndexOf('\n', start - 1);
      if (newline < 0) {
        return text;
      }
      start = newline;
    }
    return text.substring(start + 1);
  }
}
