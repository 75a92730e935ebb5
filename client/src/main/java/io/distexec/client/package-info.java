/**
 * The distexec Java client: {@link io.distexec.client.DistexecClient} talks to a master over gRPC.
 *
 * <pre>{@code
 * try (DistexecClient client = DistexecClient.connect("127.0.0.1:50051")) {
 *   Job job = client.run(JobRequest.command("echo", "hello").build(), event -> { });
 *   System.out.println(job.stdout());
 * }
 * }</pre>
 */
package io.distexec.client;
