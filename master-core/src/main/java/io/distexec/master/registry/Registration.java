package io.distexec.master.registry;

import java.util.Map;
import java.util.Set;

/** What a worker says about itself when it registers. */
public record Registration(
    String workerId,
    String address,
    String httpUrl,
    int maxConcurrentTasks,
    Set<String> executors,
    Map<String, String> labels) {}
