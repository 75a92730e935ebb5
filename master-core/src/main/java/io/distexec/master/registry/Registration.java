package io.distexec.master.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** What a worker says about itself when it registers. */
public record Registration(
    String workerId,
    String address,
    String httpUrl,
    int maxConcurrentTasks,
    Set<String> executors,
    Map<String, String> labels) {

  /** Characters in a worker id; ids are stored with every job the worker runs. */
  public static final int MAX_ID_CHARS = 255;

  /** A worker id: what a host or pod name may be. */
  public static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

  /** Slots one worker may offer. */
  public static final int MAX_SLOTS = 10_000;

  /** Executors and labels one worker may list; characters in each name, value and address. */
  public static final int MAX_ENTRIES = 100;

  public static final int MAX_TEXT_CHARS = 2_000;

  /** Task ids a worker may report at registration (the results it keeps). */
  public static final int MAX_TASK_IDS = 100_000;

  /** What is wrong with this registration, one line per problem; empty when it is fine. */
  public List<String> problems(int taskIds) {
    List<String> problems = new ArrayList<>();
    if (workerId == null || workerId.isBlank()) {
      problems.add("worker_id must not be empty (set WORKER_ID)");
    } else if (workerId.length() > MAX_ID_CHARS || !ID.matcher(workerId).matches()) {
      problems.add(
          "worker_id must be at most "
              + MAX_ID_CHARS
              + " letters, digits, '.', '_' or '-', starting with a letter or digit (set WORKER_ID)");
    }
    if (maxConcurrentTasks < 1 || maxConcurrentTasks > MAX_SLOTS) {
      problems.add("max_concurrent_tasks must be at least 1 and at most " + MAX_SLOTS);
    }
    if (executors.isEmpty() || executors.size() > MAX_ENTRIES) {
      problems.add("executors must name at least one executor and at most " + MAX_ENTRIES);
    }
    if (labels.size() > MAX_ENTRIES) {
      problems.add("labels must be at most " + MAX_ENTRIES);
    }
    boolean longText =
        tooLong(address)
            || tooLong(httpUrl)
            || executors.stream().anyMatch(Registration::tooLong)
            || labels.entrySet().stream()
                .anyMatch(e -> tooLong(e.getKey()) || tooLong(e.getValue()));
    if (longText) {
      problems.add(
          "address, http_url, executors and labels must be at most "
              + MAX_TEXT_CHARS
              + " characters each");
    }
    if (taskIds > MAX_TASK_IDS) {
      problems.add("task_ids must be at most " + MAX_TASK_IDS);
    }
    return problems;
  }

  private static boolean tooLong(String text) {
    return text != null && text.length() > MAX_TEXT_CHARS;
  }
}
