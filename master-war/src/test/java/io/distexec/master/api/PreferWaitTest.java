package io.distexec.master.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class PreferWaitTest {

  @Test
  void readsTheWaitPreference() {
    assertThat(PreferWait.parse("wait=10", 60)).contains(Duration.ofSeconds(10));
    assertThat(PreferWait.parse("respond-async, wait=5", 60)).contains(Duration.ofSeconds(5));
    assertThat(PreferWait.parse("wait=\"7\"", 60)).contains(Duration.ofSeconds(7));
  }

  @Test
  void capsLongWaits() {
    assertThat(PreferWait.parse("wait=3600", 60)).contains(Duration.ofSeconds(60));
  }

  @Test
  void ignoresWhatItCannotRead() {
    assertThat(PreferWait.parse(null, 60)).isEmpty();
    assertThat(PreferWait.parse("return=minimal", 60)).isEmpty();
    assertThat(PreferWait.parse("wait=soon", 60)).isEmpty();
    assertThat(PreferWait.parse("wait=0", 60)).isEmpty();
  }
}
