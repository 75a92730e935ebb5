package io.distexec.executor;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Collects one output stream of a process up to a cap, keeping its head and its tail: the first
 * half of the cap and the last half. What lies between is dropped and counted, so that a command
 * that prints gigabytes uses a fixed amount of memory and the user still sees how it started and
 * how it ended. Not thread-safe: one reader thread feeds it. Executors use it to honour the
 * worker's output cap.
 */
public final class CappedOutput {

  /** The output kept per stream and task unless the worker says otherwise (OUTPUT_CAP_BYTES). */
  public static final int DEFAULT_CAP_BYTES = 1024 * 1024;

  private final int headCap;
  private final byte[] tail;
  private final ByteArrayOutputStream head;
  private long total;
  private int tailStart;
  private int tailLength;

  public CappedOutput(int capBytes) {
    if (capBytes < 2) {
      throw new IllegalArgumentException("output cap must be at least 2 bytes, got " + capBytes);
    }
    this.headCap = capBytes / 2;
    this.tail = new byte[capBytes - headCap];
    this.head = new ByteArrayOutputStream(Math.min(headCap, 8192));
  }

  public void write(byte[] buffer, int offset, int length) {
    total += length;
    int toHead = Math.min(length, headCap - head.size());
    if (toHead > 0) {
      head.write(buffer, offset, toHead);
    }
    for (int i = offset + toHead; i < offset + length; i++) {
      int position = (tailStart + tailLength) % tail.length;
      tail[position] = buffer[i];
      if (tailLength < tail.length) {
        tailLength++;
      } else {
        tailStart = (tailStart + 1) % tail.length;
      }
    }
  }

  /** Every byte the stream produced, kept or not. */
  public long totalBytes() {
    return total;
  }

  public boolean truncated() {
    return total > (long) head.size() + tailLength;
  }

  /**
   * The kept bytes: the head, then (when bytes were dropped) a marker line saying how many, then
   * the tail.
   */
  public byte[] bytes() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(head.size() + tailLength + 64);
    out.writeBytes(head.toByteArray());
    if (truncated()) {
      long dropped = total - head.size() - tailLength;
      out.writeBytes(
          ("\n[distexec: " + dropped + " bytes omitted]\n").getBytes(StandardCharsets.UTF_8));
    }
    for (int i = 0; i < tailLength; i++) {
      out.write(tail[(tailStart + i) % tail.length]);
    }
    return out.toByteArray();
  }

  /** What was kept, with the counts. */
  public Captured captured() {
    return new Captured(bytes(), total, truncated());
  }
}
