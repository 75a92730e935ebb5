package io.distexec.master.api;

import java.util.List;

/**
 * A page of jobs, newest first.
 *
 * @param jobs the jobs
 * @param nextCursor pass as {@code cursor} for the next page; absent on the last page
 */
public record JobPageView(List<JobView> jobs, String nextCursor) {}
