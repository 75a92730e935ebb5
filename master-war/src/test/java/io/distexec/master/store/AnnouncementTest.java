package io.distexec.master.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.distexec.executor.StdStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnnouncementTest {

  @Test
  void everyKindReadsBackAsWritten() {
    for (Announcement a :
        List.of(
            new Announcement.Queued("m1", "j1", "command"),
            new Announcement.Changed("m1", "j1"),
            new Announcement.Cancel("m2", "j1", "cancelled by carol: too slow"),
            new Announcement.Drain("m2", "worker-1"),
            new Announcement.Watching("m2", "j1"))) {
      assertThat(Announcement.parse(a.payload())).contains(a);
    }
    byte[] data = "a line\nand \u00e9\n".getBytes(StandardCharsets.UTF_8);
    Announcement.Output read =
        (Announcement.Output)
            Announcement.parse(
                    new Announcement.Output("m1", "j1", StdStream.STDERR, 42, data).payload())
                .orElseThrow();
    assertThat(read.origin()).isEqualTo("m1");
    assertThat(read.jobId()).isEqualTo("j1");
    assertThat(read.stream()).isEqualTo(StdStream.STDERR);
    assertThat(read.offset()).isEqualTo(42);
    assertThat(read.data()).isEqualTo(data);
  }

  @Test
  void aCancelReasonKeepsItsSpacesAndLosesItsNewlines() {
    assertThat(new Announcement.Cancel("m", "j", "one\ntwo three").payload())
        .isEqualTo("c m j one two three");
  }

  @Test
  void whatItCannotReadIsEmptyNeverAnException() {
    for (String payload :
        List.of("", "q", "q m", "x m j", "o m j 9 0 AAAA", "o m j 0 x AAAA", "o m j")) {
      assertThat(Announcement.parse(payload)).as(payload).isEmpty();
    }
  }
}
