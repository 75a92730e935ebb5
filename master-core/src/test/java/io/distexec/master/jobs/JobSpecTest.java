package io.distexec.master.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class JobSpecTest {

  @Test
  void commandLineJoinsCommandAndArgumentsBySpaces() {
    assertThat(JobSpec.command("echo", "a b", "c").commandLine(100)).isEqualTo("echo a b c");
    assertThat(JobSpec.command("true").commandLine(100)).isEqualTo("true");
  }

  @Test
  void commandLineIsCutAndStopsJoiningOnceLongEnough() {
    String[] many = new String[10_000];
    Arrays.fill(many, "argument");
    assertThat(JobSpec.command("echo", many).commandLine(20)).isEqualTo("echo argument argume");
  }

  @Test
  void theQueryLineIsLowerCaseAndStaysWithinItsBoundEvenWhenLowerCaseLengthensIt() {
    String dotted = "İ".repeat(JobQuery.COMMAND_LINE_CHARS);
    String line = JobQuery.commandLine(JobSpec.command(dotted));
    assertThat(line).hasSize(JobQuery.COMMAND_LINE_CHARS).startsWith("i̇");
    assertThat(JobQuery.commandLine(JobSpec.command("ECHO", "Hi"))).isEqualTo("echo hi");
  }
}
