package io.distexec.master.scaling;

import java.util.List;

/** What the scaler does at one turn, with the reason in words (shown to users, logged). */
public sealed interface Decision {

  String reason();

  /** Nothing to change. */
  record Hold(String reason) implements Decision {}

  /** Set the Deployment's replicas to {@code replicas}, more than now. */
  record ScaleOut(int replicas, String reason) implements Decision {}

  /**
   * The first step of a scale-in: drain these idle workers (no new work; they report not ready), so
   * that the ReplicaSet controller removes them, and no busy one, when the replicas go down.
   */
  record Drain(List<String> workers, String reason) implements Decision {
    public Drain {
      workers = List.copyOf(workers);
    }
  }

  /** The second step: every drained worker is seen not ready, so the replicas go down. */
  record ScaleIn(int replicas, List<String> workers, String reason) implements Decision {
    public ScaleIn {
      workers = List.copyOf(workers);
    }
  }

  /** A scale-in called off: these drained workers take work again. */
  record CallOff(List<String> workers, String reason) implements Decision {
    public CallOff {
      workers = List.copyOf(workers);
    }
  }
}
