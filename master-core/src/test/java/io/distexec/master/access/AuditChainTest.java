package io.distexec.master.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuditChainTest {

  private final Instant at = Instant.parse("2026-11-25T12:00:00.123456789Z");

  private List<AuditEntry> chain(int n) {
    InMemoryAuditLog log = new InMemoryAuditLog();
    for (int i = 1; i <= n; i++) {
      log.append(new AuditRecord("alice", "job.submit", "job-" + i, "127.0.0.1", "ok"), at);
    }
    return log.list(0, 100);
  }

  @Test
  void anIntactChainHolds() {
    List<AuditEntry> entries = chain(3);
    assertThat(entries).extracting(AuditEntry::seq).containsExactly(1L, 2L, 3L);
    assertThat(entries.get(0).prevHash()).isEqualTo(AuditChain.GENESIS);
    assertThat(entries.get(1).prevHash()).isEqualTo(entries.get(0).hash());
    // kept to the microsecond, as the database keeps it
    assertThat(entries.get(0).at()).isEqualTo(Instant.parse("2026-11-25T12:00:00.123456Z"));
    AuditChain.Verification v = AuditChain.verify(entries.iterator());
    assertThat(v.valid()).isTrue();
    assertThat(v.entries()).isEqualTo(3);
    assertThat(v.headSeq()).isEqualTo(3);
  }

  @Test
  void anEditedEntryIsDetected() {
    List<AuditEntry> entries = new ArrayList<>(chain(3));
    AuditEntry e = entries.get(1);
    entries.set(
        1,
        new AuditEntry(
            e.seq(),
            e.at(),
            new AuditRecord("mallory", "job.submit", "job-2", "127.0.0.1", "ok"),
            e.prevHash(),
            e.hash()));
    AuditChain.Verification v = AuditChain.verify(entries.iterator());
    assertThat(v.valid()).isFalse();
    assertThat(v.brokenAt()).isEqualTo(2);
    assertThat(v.problem()).isEqualTo("entry 2 was changed after it was written");
  }

  @Test
  void aDeletedEntryIsDetected() {
    List<AuditEntry> entries = new ArrayList<>(chain(3));
    entries.remove(1);
    AuditChain.Verification v = AuditChain.verify(entries.iterator());
    assertThat(v.brokenAt()).isEqualTo(3);
    assertThat(v.problem()).contains("entry 2 is missing");
  }

  @Test
  void aRewrittenEntryWithItsHashRecomputedBreaksTheNextLink() {
    List<AuditEntry> entries = new ArrayList<>(chain(3));
    AuditEntry e = entries.get(0);
    AuditRecord forged = new AuditRecord("mallory", "job.submit", "job-1", "127.0.0.1", "ok");
    entries.set(0, AuditChain.next(0, AuditChain.GENESIS, e.at(), forged));
    AuditChain.Verification v = AuditChain.verify(entries.iterator());
    assertThat(v.brokenAt()).isEqualTo(2);
    assertThat(v.problem()).contains("does not link");
  }
}
