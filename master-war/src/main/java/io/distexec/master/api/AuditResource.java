package io.distexec.master.api;

import io.distexec.master.access.Action;
import io.distexec.master.access.AuditChain;
import io.distexec.master.access.AuditEntry;
import io.distexec.master.api.Problem.FieldError;
import io.distexec.master.auth.Audit;
import io.distexec.master.auth.Requires;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The audit trail, for admins: who changed what, from where, when, and how it went. */
@Path("audit")
@Dependent
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Audit", description = "The hash-chained record of every change (admin only)")
public class AuditResource {

  /** One entry as the API shows it. */
  public record EntryView(
      long sequence,
      Instant at,
      String actor,
      String action,
      String target,
      String address,
      String outcome,
      String prevHash,
      String hash) {
    static EntryView of(AuditEntry e) {
      return new EntryView(
          e.seq(),
          e.at(),
          e.record().actor(),
          e.record().action(),
          e.record().target(),
          e.record().address(),
          e.record().outcome(),
          e.prevHash(),
          e.hash());
    }
  }

  /** What a verification found. */
  public record VerificationView(
      boolean valid, long entries, long headSequence, long brokenAt, String problem) {}

  private final Audit audit;

  @Inject
  public AuditResource(Audit audit) {
    this.audit = audit;
  }

  @GET
  @Requires(Action.READ_AUDIT)
  @Operation(
      summary = "Read the audit trail",
      description = "Oldest first, a page at a time: pass the last `sequence` as `after`.")
  public List<EntryView> list(
      @QueryParam("after") @DefaultValue("0") String after,
      @QueryParam("limit") @DefaultValue("100") String limit)
      throws BadRequestException {
    return audit
        .log()
        .list(number("after", after, 0, Long.MAX_VALUE), (int) number("limit", limit, 1, 1000))
        .stream()
        .map(EntryView::of)
        .toList();
  }

  @GET
  @Path("verify")
  @Requires(Action.READ_AUDIT)
  @Operation(
      summary = "Verify the audit trail",
      description =
          "Checks every entry's hash and its link to the entry before; names the first that does"
              + " not match.")
  public VerificationView verify() {
    AuditChain.Verification v = audit.log().verify();
    return new VerificationView(v.valid(), v.entries(), v.headSeq(), v.brokenAt(), v.problem());
  }

  private static long number(String name, String value, long min, long max)
      throws BadRequestException {
    try {
      long n = Long.parseLong(value.trim());
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    String message =
        "must be a whole number from " + min + (max == Long.MAX_VALUE ? " up" : " to " + max);
    throw new BadRequestException(
        "invalid " + name + " '" + value + "'", List.of(new FieldError(name, message)));
  }
}
