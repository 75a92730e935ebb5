package io.distexec.master.store;

import io.distexec.master.jobs.JobSpec;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.io.StringReader;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the store keeps a job's spec: a JSON document of its own, versioned by {@code "v"}, so that
 * the database format does not change when the wire contract does. Version 1:
 *
 * <pre>{"v":1,"type":"command","command":"sh","args":["-c","echo hi"],"env":{"A":"1"},
 *  "workdir":"/tmp","stdin":"aW5wdXQK","timeoutSeconds":30,"attributes":{},"shell":false}</pre>
 *
 * <p>{@code stdin} is base64 (it may be binary); {@code workdir} is absent when not set.
 */
public final class SpecFormat {

  /** The version this code writes; it reads every version up to it. */
  public static final int VERSION = 1;

  /** Looked up once: {@code JsonProvider.provider()} searches the class path on every call. */
  private static final JsonProvider JSON = JsonProvider.provider();

  private SpecFormat() {}

  public static String write(JobSpec spec) {
    JsonObjectBuilder json =
        JSON.createObjectBuilder()
            .add("v", VERSION)
            .add("type", spec.type())
            .add("command", spec.command())
            .add("args", array(spec.args()))
            .add("env", object(spec.env()));
    if (spec.workdir() != null) {
      json.add("workdir", spec.workdir());
    }
    return json.add("stdin", Base64.getEncoder().encodeToString(spec.stdin()))
        .add("timeoutSeconds", spec.timeoutSeconds())
        .add("attributes", object(spec.attributes()))
        .add("shell", spec.shell())
        .build()
        .toString();
  }

  /**
   * @throws IllegalArgumentException when the text is not a spec this code can read
   */
  public static JobSpec read(String text) {
    JsonObject json;
    try (JsonReader reader = JSON.createReader(new StringReader(text))) {
      json = reader.readObject();
    } catch (JsonException | IllegalStateException e) {
      throw new IllegalArgumentException("not a stored job spec: " + e.getMessage(), e);
    }
    int version = json.getInt("v", 0);
    if (version < 1 || version > VERSION) {
      throw new IllegalArgumentException(
          "stored job spec version "
              + version
              + " is not one this master reads (1 to "
              + VERSION
              + "); is a newer master writing to this store?");
    }
    return new JobSpec(
        json.getString("type", JobSpec.DEFAULT_TYPE),
        json.getString("command", ""),
        json.getJsonArray("args").getValuesAs(JsonString.class).stream()
            .map(JsonString::getString)
            .toList(),
        strings(json.getJsonObject("env")),
        json.getString("workdir", null),
        Base64.getDecoder().decode(json.getString("stdin", "")),
        json.getJsonNumber("timeoutSeconds").longValue(),
        strings(json.getJsonObject("attributes")),
        json.getBoolean("shell", false));
  }

  private static JsonArrayBuilder array(List<String> values) {
    JsonArrayBuilder array = JSON.createArrayBuilder();
    values.forEach(array::add);
    return array;
  }

  private static JsonObjectBuilder object(Map<String, String> values) {
    JsonObjectBuilder object = JSON.createObjectBuilder();
    values.forEach(object::add);
    return object;
  }

  private static Map<String, String> strings(JsonObject object) {
    Map<String, String> values = new LinkedHashMap<>();
    if (object != null) {
      object.forEach(
          (k, v) ->
              values.put(
                  k,
                  v.getValueType() == JsonValue.ValueType.STRING
                      ? ((JsonString) v).getString()
                      : v.toString()));
    }
    return values;
  }
}
