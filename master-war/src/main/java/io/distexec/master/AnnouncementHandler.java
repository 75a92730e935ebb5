package io.distexec.master;

import io.distexec.executor.StdStream;
import io.distexec.master.dispatch.Dispatcher;
import io.distexec.master.jobs.JobEvents;
import io.distexec.master.jobs.JobStore;
import io.distexec.master.leadership.Election;
import io.distexec.master.registry.NodeRegistry;
import io.distexec.master.scheduling.JobQueue;
import io.distexec.master.store.Announcement;
import io.distexec.master.store.OutputRelay;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import java.util.Optional;

/**
 * What this master does with what another announced through the shared store: as the leader, it
 * queues jobs stored elsewhere, follows changes, cancels and drains on standbys' behalf and relays
 * output they watch; as a standby, it updates its own watchers.
 */
@Dependent
class AnnouncementHandler {

  private final Election election;
  private final Dispatcher dispatcher;
  private final NodeRegistry registry;
  private final JobStore store;
  private final JobEvents events;
  private final Optional<OutputRelay> relay;

  @Inject
  AnnouncementHandler(
      Election election,
      Dispatcher dispatcher,
      NodeRegistry registry,
      JobStore store,
      JobEvents events,
      Optional<OutputRelay> relay) {
    this.election = election;
    this.dispatcher = dispatcher;
    this.registry = registry;
    this.store = store;
    this.events = events;
    this.relay = relay;
  }

  void handle(Announcement announcement) {
    boolean leading = election.leading();
    if (announcement instanceof Announcement.Queued q) {
      dispatcher.queuedElsewhere(q.jobId(), q.type().isEmpty() ? JobQueue.UNKNOWN_TYPE : q.type());
    } else if (announcement instanceof Announcement.Changed c) {
      if (leading) {
        dispatcher.changedElsewhere(c.jobId());
      } else if (events.watched(c.jobId())) {
        store.find(c.jobId()).ifPresent(events::endedElsewhere); // the watchers of a standby
      }
    } else if (announcement instanceof Announcement.Watching w) {
      if (leading && relay.isPresent() && relay.get().wanted(w.jobId())) {
        // A standby's first word: what this master holds so far, then each piece as it comes.
        events
            .output(w.jobId())
            .ifPresent(
                o -> {
                  relay.get().output(w.jobId(), StdStream.STDOUT, o.stdout(), 0);
                  relay.get().output(w.jobId(), StdStream.STDERR, o.stderr(), 0);
                });
      }
    } else if (announcement instanceof Announcement.Output o) {
      if (!leading) {
        events.relayed(o.jobId(), o.stream(), o.data(), o.offset());
      }
    } else if (announcement instanceof Announcement.Drain d) {
      if (leading) {
        registry.drain(d.workerId()); // asked of a standby
      }
    } else if (announcement instanceof Announcement.Cancel c) {
      if (leading) {
        dispatcher.cancel(c.jobId(), c.reason());
      }
    }
  }

  /** Announcements may have been missed while the connection was down. */
  void relisten() {
    if (election.leading()) {
      dispatcher.adoptQueued();
    }
  }
}
