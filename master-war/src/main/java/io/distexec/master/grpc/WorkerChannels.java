package io.distexec.master.grpc;

import io.distexec.master.registry.WorkerNode;
import io.grpc.ManagedChannel;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * One long-lived channel per worker, opened on first use and closed when the worker leaves or dies.
 * A worker that re-registers at another address gets a new channel.
 */
public final class WorkerChannels implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(WorkerChannels.class.getName());

  private record Entry(String address, ManagedChannel channel) {}

  private final Map<String, Entry> channels = new ConcurrentHashMap<>();
  private final Function<String, ManagedChannel> connect;

  /**
   * @param connect opens a channel to a worker's {@code host:port}
   */
  public WorkerChannels(Function<String, ManagedChannel> connect) {
    this.connect = connect;
  }

  public ManagedChannel channelFor(WorkerNode worker) {
    Entry entry =
        channels.compute(
            worker.id(),
            (id, existing) -> {
              if (existing != null && existing.address().equals(worker.address())) {
                return existing;
              }
              if (existing != null) {
                existing.channel().shutdown();
              }
              return new Entry(worker.address(), connect.apply(worker.address()));
            });
    return entry.channel();
  }

  /** Closes a worker's channel: gracefully (calls in flight finish) or at once (they fail). */
  public void close(String workerId, boolean now) {
    Entry entry = channels.remove(workerId);
    if (entry != null) {
      if (now) {
        entry.channel().shutdownNow();
      } else {
        entry.channel().shutdown();
      }
    }
  }

  @Override
  public void close() {
    channels.values().forEach(e -> e.channel().shutdownNow());
    for (Entry e : channels.values()) {
      try {
        e.channel().awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        LOG.warning("interrupted while closing worker channels");
        return;
      }
    }
    channels.clear();
  }
}
