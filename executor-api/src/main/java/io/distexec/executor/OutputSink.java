package io.distexec.executor;

/**
 * Receives a task's output while it runs, in the order produced per stream. The worker forwards the
 * chunks to the master. {@link #accept} may block when the receiver is slower than the task: that
 * is backpressure, and the task's writes then wait as they would on a slow terminal.
 */
@FunctionalInterface
public interface OutputSink {

  /** A sink that drops everything. */
  OutputSink DISCARD = (stream, data, offset, length) -> {};

  /**
   * One chunk of output. The array is reused after the call returns: copy what you keep.
   *
   * @param stream which stream the bytes come from
   * @param data the buffer
   * @param offset where the chunk starts in {@code data}
   * @param length how many bytes
   */
  void accept(StdStream stream, byte[] data, int offset, int length);
}
