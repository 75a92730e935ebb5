package io.distexec.master.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TailTest {

  @Test
  void keepsTheLastLines() {
    assertThat(Tail.lines("a\nb\nc\n", 2)).isEqualTo("b\nc\n");
    assertThat(Tail.lines("a\nb\nc", 2)).isEqualTo("b\nc");
    assertThat(Tail.lines("a\nb\n", 5)).isEqualTo("a\nb\n");
    assertThat(Tail.lines("a\nb\n", 0)).isEmpty();
    assertThat(Tail.lines("a\nb\n", null)).isEqualTo("a\nb\n");
  }
}
