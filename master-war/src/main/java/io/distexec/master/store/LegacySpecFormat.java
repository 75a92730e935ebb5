package io.distexec.master.store;

import com.google.protobuf.InvalidProtocolBufferException;
import io.distexec.master.jobs.JobSpec;
import io.distexec.proto.v1.TaskSpec;

/**
 * Reads the spec format of releases before schema version 2: the wire's {@code TaskSpec} as
 * protobuf bytes. Used only by {@link SpecToJsonMigration} to convert such rows; nothing writes it.
 */
final class LegacySpecFormat {

  private LegacySpecFormat() {}

  static JobSpec read(byte[] bytes) throws InvalidProtocolBufferException {
    TaskSpec spec = TaskSpec.parseFrom(bytes);
    return new JobSpec(
        spec.getType(),
        spec.getCommand(),
        spec.getArgsList(),
        spec.getEnvMap(),
        spec.getWorkdir(),
        spec.getStdin().toByteArray(),
        spec.getTimeoutSeconds(),
        spec.getAttributesMap(),
        spec.getShell());
  }
}
