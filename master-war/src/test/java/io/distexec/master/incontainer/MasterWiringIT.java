package io.distexec.master.incontainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distexec.master.MasterLifecycle;
import io.distexec.master.balancing.LoadBalancer;
import io.distexec.master.balancing.RoundRobinBalancer;
import io.distexec.master.config.MasterConfig;
import io.distexec.master.jobs.Job;
import io.distexec.master.jobs.JobService;
import io.distexec.master.jobs.JobSpec;
import io.distexec.master.jobs.JobStatus;
import jakarta.inject.Inject;
import java.io.File;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The packaged master WAR in a real Liberty server (Arquillian, managed): its CDI producers, its
 * MicroProfile Config settings (from the test server's server.env) and its startup.
 */
@ExtendWith(ArquillianExtension.class)
class MasterWiringIT {

  @Deployment
  static WebArchive master() {
    return ShrinkWrap.createFromZipFile(WebArchive.class, new File("target/distexec-master.war"))
        .addClass(MasterWiringIT.class);
  }

  @Inject MasterConfig config;

  @Inject LoadBalancer balancer;

  @Inject MasterLifecycle lifecycle;

  @Inject JobService jobs;

  @Test
  void readsItsSettingsThroughMicroProfileConfig() {
    assertEquals(7, config.maxConcurrentJobs());
    assertInstanceOf(RoundRobinBalancer.class, balancer);
    assertEquals(15, config.heartbeatTimeout().toSeconds());
  }

  @Test
  void startsItsGrpcEndpointAndDispatcherWithTheApplication() {
    assertTrue(lifecycle.started());
    assertTrue(lifecycle.grpcServing());
  }

  @Test
  void keepsAJobQueuedWhileNoWorkerIsRegistered() throws Exception {
    Job job = jobs.submit(JobSpec.command("echo", "in", "container"));
    assertEquals(JobStatus.QUEUED, jobs.get(job.id()).status());
  }
}
