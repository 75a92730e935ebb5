package io.distexec.master.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Iterator;

/**
 * The hash chain of the audit trail: each entry's hash covers its own fields and the hash of the
 * entry before, so an edited entry no longer matches its hash, and a deleted or inserted one breaks
 * the next entry's link. (Cutting entries off the end leaves a shorter valid chain: the head's
 * sequence number, shown with every verification, is what to compare with a copy kept elsewhere.)
 */
public final class AuditChain {

  /** The "previous hash" of the first entry. */
  public static final String GENESIS = "0".repeat(64);

  private AuditChain() {}

  /**
   * The entry after {@code prevSeq}/{@code prevHash}. Its time is cut to microseconds, the
   * precision the database keeps, so that the hash still matches after a round trip.
   */
  public static AuditEntry next(long prevSeq, String prevHash, Instant at, AuditRecord record) {
    Instant time = at.truncatedTo(ChronoUnit.MICROS);
    long seq = prevSeq + 1;
    return new AuditEntry(seq, time, record, prevHash, hash(prevHash, seq, time, record));
  }

  static String hash(String prevHash, long seq, Instant at, AuditRecord r) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (String field :
          new String[] {
            prevHash,
            Long.toString(seq),
            at.toString(),
            r.actor(),
            r.action(),
            r.target(),
            r.address(),
            r.outcome()
          }) {
        // Length-prefixed, so that no two different entries give the same bytes.
        byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
        digest.update((bytes.length + ":").getBytes(StandardCharsets.US_ASCII));
        digest.update(bytes);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /**
   * What a verification found.
   *
   * @param entries how many entries were checked
   * @param headSeq the last entry's sequence number (0 for none)
   * @param brokenAt the first entry that does not match, or 0 when the chain holds
   * @param problem what is wrong with it, or empty
   */
  public record Verification(long entries, long headSeq, long brokenAt, String problem) {
    public boolean valid() {
      return brokenAt == 0;
    }
  }

  /** Checks the entries, oldest first, from the first one. */
  public static Verification verify(Iterator<AuditEntry> entries) {
    long count = 0;
    long seq = 0;
    String prev = GENESIS;
    while (entries.hasNext()) {
      AuditEntry e = entries.next();
      count++;
      if (e.seq() != seq + 1) {
        return new Verification(
            count,
            e.seq(),
            e.seq(),
            "entry " + (seq + 1) + " is missing (next is " + e.seq() + ")");
      }
      if (!e.prevHash().equals(prev)) {
        return new Verification(
            count, e.seq(), e.seq(), "entry " + e.seq() + " does not link to the entry before it");
      }
      if (!hash(e.prevHash(), e.seq(), e.at(), e.record()).equals(e.hash())) {
        return new Verification(
            count, e.seq(), e.seq(), "entry " + e.seq() + " was changed after it was written");
      }
      seq = e.seq();
      prev = e.hash();
    }
    return new Verification(count, seq, 0, "");
  }
}
