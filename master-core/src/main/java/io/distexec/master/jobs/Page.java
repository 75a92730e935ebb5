package io.distexec.master.jobs;

import java.util.List;

/**
 * One page of a job listing.
 *
 * @param jobs the jobs, newest first
 * @param nextCursor where the next page starts, or {@code null} on the last page
 */
public record Page(List<Job> jobs, String nextCursor) {

  public Page {
    jobs = List.copyOf(jobs);
  }
}
