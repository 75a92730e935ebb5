package io.distexec.executor;

/**
 * One output stream of a finished task, as kept.
 *
 * @param bytes what was kept: everything, or (when {@code truncated}) the head, a marker line
 *     saying how many bytes were omitted, and the tail
 * @param totalBytes every byte the stream produced
 * @param truncated true when bytes were dropped
 */
public record Captured(byte[] bytes, long totalBytes, boolean truncated) {

  public static final Captured EMPTY = new Captured(new byte[0], 0, false);

  public Captured {
    bytes = bytes == null ? new byte[0] : bytes;
  }

  /** Everything, untruncated. */
  public static Captured of(byte[] bytes) {
    return new Captured(bytes, bytes == null ? 0 : bytes.length, false);
  }
}
