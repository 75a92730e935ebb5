package io.distexec.executor;

/** The two output streams of a task. */
public enum StdStream {
  STDOUT,
  STDERR
}
