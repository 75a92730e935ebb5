package io.distexec.master.leadership;

import io.distexec.master.registry.WorkerNode;
import java.util.List;

/**
 * The workers as the leader last saw them, kept in the shared store so that every master can answer
 * who the workers are: workers register with the leader alone.
 */
public interface WorkerBoard {

  /** A worker and the tasks the leader has in flight on it. */
  record Entry(WorkerNode node, int inFlight) {}

  /** Leader: replaces the board with these workers. */
  void publish(List<Entry> workers);

  /** The workers as last published, by id. */
  List<Entry> read();

  /** For a store of one master, which always leads: nothing to share. */
  WorkerBoard NONE =
      new WorkerBoard() {
        @Override
        public void publish(List<Entry> workers) {}

        @Override
        public List<Entry> read() {
          return List.of();
        }
      };
}
