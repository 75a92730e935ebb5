package io.distexec.worker.execution;

import java.util.List;

/**
 * What a worker tells a master as it registers, and what it learns from the answer: the master
 * reconciles its jobs with the tasks listed, and answers with its leadership term, from which on
 * the worker obeys no older leader.
 */
public interface TaskReport {

  /**
   * The tasks running here and those ended recently. From this call until {@link #registered} or
   * {@link #unreported}, no task of the known term starts: it would be missing from the list.
   */
  List<String> taskIds();

  /**
   * The master took the registration, leading with {@code term}.
   *
   * @return false when this worker follows a newer term: the master that answered no longer leads
   */
  boolean registered(long term);

  /** The registration failed: tasks may start again. */
  void unreported();

  /**
   * Follows {@code term} from now on, though older than the one known: the masters' store was
   * replaced and their terms began again.
   */
  void termReset(long term);
}
