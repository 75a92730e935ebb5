package io.distexec.master.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.distexec.master.config.LeaderSettings.Mechanism;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LeaderSettingsTest {

  private static LeaderSettings with(Mechanism election, String leaseName) {
    return new LeaderSettings("m", "i", "", Duration.ofSeconds(5), election, leaseName);
  }

  @Test
  void autoUsesAKubernetesLeaseOnlyInAPodWithASharedStore() {
    LeaderSettings auto = with(Mechanism.AUTO, "distexec-master");
    assertThat(auto.kubernetes(true, true)).isTrue();
    assertThat(auto.kubernetes(true, false)).isFalse();
    assertThat(auto.kubernetes(false, true)).isFalse(); // one master on H2 in a pod
    assertThat(with(Mechanism.STORE, "distexec-master").kubernetes(true, true)).isFalse();
    assertThat(with(Mechanism.KUBERNETES, "distexec-master").kubernetes(true, false)).isTrue();
  }

  @Test
  void aKubernetesLeaseWithoutASharedStoreIsRefusedWithTheReason() {
    assertThatThrownBy(() -> with(Mechanism.KUBERNETES, "distexec-master").kubernetes(false, true))
        .hasMessageContaining("LEADER_ELECTION=kubernetes needs a PostgreSQL STORE_URL");
  }

  @Test
  void badValuesNameTheSettingAndWhatIsAllowed() {
    assertThat(Mechanism.parse(" Kubernetes ")).isEqualTo(Mechanism.KUBERNETES);
    assertThatThrownBy(() -> Mechanism.parse("raft"))
        .hasMessage("LEADER_ELECTION must be auto, store or kubernetes, got 'raft'");
    assertThatThrownBy(() -> with(Mechanism.AUTO, "Not_A_Name"))
        .hasMessageStartingWith("LEADER_LEASE_NAME must be a Kubernetes object name");
  }
}
