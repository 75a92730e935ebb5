package io.distexec.bench;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Options refused before anything starts. */
class BenchOptionsTest {

  @Test
  void fewerThanOneRestartIsAUsageError() {
    assertThatThrownBy(() -> Bench.run("--parts", "footprint", "--restarts", "0"))
        .hasMessageContaining("exit code 2");
  }
}
