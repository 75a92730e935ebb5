package io.distexec.master.api;

/** A job's output, stdout and stderr apart; byte counts are of everything printed, kept or not. */
public record OutputView(
    String stdout, String stderr, long stdoutBytes, long stderrBytes, boolean truncated) {}
