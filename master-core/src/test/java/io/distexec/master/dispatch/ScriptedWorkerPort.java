package io.distexec.master.dispatch;

import io.distexec.master.registry.WorkerNode;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A stand-in for the workers, for the core's tests: it records each attempt sent and lets the test
 * play the worker's answers ({@link Sent#reply}). No network, no process; not a real worker.
 */
public final class ScriptedWorkerPort implements WorkerPort {

  /** One attempt the dispatcher sent. */
  public record Sent(WorkerNode worker, TaskRequest request, Consumer<AttemptEvent> listener) {
    /** Plays the worker: hands the dispatcher these events, in order. */
    public void reply(AttemptEvent... events) {
      for (AttemptEvent event : events) {
        listener.accept(event);
      }
    }
  }

  private final List<Sent> sent = new CopyOnWriteArrayList<>();
  private final List<String> cancels = new CopyOnWriteArrayList<>();

  public List<Sent> sent() {
    return sent;
  }

  public List<String> cancels() {
    return cancels;
  }

  @Override
  public Call execute(WorkerNode worker, TaskRequest request, Consumer<AttemptEvent> listener) {
    sent.add(new Sent(worker, request, listener));
    return reason ->
        listener.accept(new AttemptEvent.Failed(AttemptEvent.Failure.BROKEN, "CANCELLED", reason));
  }

  private final List<String> attached = new CopyOnWriteArrayList<>();

  /** Tasks followed again (after a takeover), by task id. */
  public List<String> attached() {
    return attached;
  }

  @Override
  public Call attach(WorkerNode worker, String taskId, Consumer<AttemptEvent> listener) {
    attached.add(taskId);
    return reason ->
        listener.accept(new AttemptEvent.Failed(AttemptEvent.Failure.BROKEN, "CANCELLED", reason));
  }

  @Override
  public void cancel(WorkerNode worker, String taskId, String reason) {
    cancels.add(taskId + ": " + reason);
  }

  @Override
  public void forget(String workerId, boolean dead) {}
}
