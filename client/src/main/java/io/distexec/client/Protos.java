package io.distexec.client;

import com.google.protobuf.Timestamp;
import java.time.Instant;

final class Protos {

  private Protos() {}

  static Instant instant(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }

  static Timestamp timestamp(Instant i) {
    return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build();
  }
}
