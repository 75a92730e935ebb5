package io.distexec.client;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.distexec.common.ProtoTime;
import java.time.Instant;
import java.util.List;

/**
 * A registered worker.
 *
 * @param id its WORKER_ID
 * @param address host:port of its WorkerService
 * @param draining true while it takes no new work
 * @param activeTasks tasks in flight on it
 * @param maxConcurrentTasks its slots
 * @param executors the task types it runs
 * @param lastHeartbeatAt when the master last heard from it
 */
public record Worker(
    String id,
    String address,
    boolean draining,
    int activeTasks,
    int maxConcurrentTasks,
    List<String> executors,
    Instant lastHeartbeatAt,
    String json) {

  static Worker of(io.distexec.proto.v1.Worker w) {
    String json;
    try {
      json = JsonFormat.printer().print(w);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
    return new Worker(
        w.getId(),
        w.getAddress(),
        w.getDraining(),
        w.getActiveTasks(),
        w.getMaxConcurrentTasks(),
        List.copyOf(w.getExecutorsList()),
        ProtoTime.instant(w.getLastHeartbeatAt()),
        json);
  }
}
