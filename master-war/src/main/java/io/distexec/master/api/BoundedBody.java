package io.distexec.master.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads a request body up to a bound and no further: a larger one is refused once the bound is
 * passed (or at once, when its Content-Length says so), so no body can fill the master's heap.
 */
final class BoundedBody {

  private BoundedBody() {}

  /**
   * @param declaredLength the Content-Length header, or {@code null}
   * @param max the most bytes taken
   * @param setting what the operator changes to take more, for the message
   * @throws PayloadTooLargeException when the body is longer than {@code max}
   */
  static byte[] read(InputStream body, String declaredLength, long max, String setting)
      throws IOException, PayloadTooLargeException {
    if (declaredLength != null) {
      try {
        long length = Long.parseLong(declaredLength.trim());
        if (length > max) {
          throw tooLarge(length + " bytes", max, setting);
        }
      } catch (NumberFormatException e) {
        // the HTTP layer checks the header's form; the bound below holds whatever it says
      }
    }
    if (body == null) {
      return new byte[0];
    }
    ByteArrayOutputStream read = new ByteArrayOutputStream();
    byte[] buffer = new byte[16 * 1024];
    for (int n = body.read(buffer); n >= 0; n = body.read(buffer)) {
      if (read.size() + (long) n > max) {
        throw tooLarge("more than " + max + " bytes", max, setting);
      }
      read.write(buffer, 0, n);
    }
    return read.toByteArray();
  }

  private static PayloadTooLargeException tooLarge(String size, long max, String setting) {
    return new PayloadTooLargeException(
        "the body is "
            + size
            + "; at most "
            + max
            + " bytes are taken ("
            + setting
            + "): pass large input as a file the worker can read");
  }
}
