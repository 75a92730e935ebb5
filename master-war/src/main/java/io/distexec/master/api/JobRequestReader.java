package io.distexec.master.api;

import io.distexec.master.api.Problem.FieldError;
import io.distexec.master.jobs.JobService;
import io.distexec.master.jobs.JobSpec;
import io.distexec.master.jobs.RetryPolicy;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads a job submission from JSON, strictly: a field of the wrong type or an unknown field (often
 * a typo such as {@code "arg"}) is an error that names the field, never silently ignored.
 */
final class JobRequestReader {

  static final Set<String> FIELDS =
      Set.of(
          "type",
          "command",
          "args",
          "env",
          "workdir",
          "stdin",
          "timeoutSeconds",
          "attributes",
          "shell",
          "maxAttempts",
          "retryOnExitCodes");

  private JobRequestReader() {}

  static JobService.Request read(String body) throws BadRequestException {
    JsonObject json = object(body, "{\"command\":\"echo\",\"args\":[\"hello\"]}");
    List<FieldError> errors = new ArrayList<>();
    JobService.Request submission = submission(json, errors);
    if (!errors.isEmpty()) {
      throw new BadRequestException("the job request has invalid fields", errors);
    }
    return submission;
  }

  /**
   * Reads a batch, {@code {"jobs": [job, ...]}}: each job as {@link #read} reads one, its errors
   * named by its place ({@code jobs[2].args}).
   */
  static List<JobService.Request> readBatch(String body) throws BadRequestException {
    JsonObject json =
        object(body, "{\"jobs\":[{\"command\":\"echo\",\"args\":[\"1\"]},{\"command\":\"true\"}]}");
    List<FieldError> errors = new ArrayList<>();
    for (String key : json.keySet()) {
      if (!key.equals("jobs")) {
        errors.add(new FieldError(key, "unknown field; a batch has one field, jobs"));
      }
    }
    if (absent(json, "jobs") || json.get("jobs").getValueType() != JsonValue.ValueType.ARRAY) {
      errors.add(
          new FieldError("jobs", "must be an array of jobs, each as POST /api/v1/jobs takes"));
      throw new BadRequestException("the batch has invalid fields", errors);
    }
    var array = json.getJsonArray("jobs");
    List<JobService.Request> submissions = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      String place = "jobs[" + i + "]";
      if (array.get(i).getValueType() != JsonValue.ValueType.OBJECT) {
        errors.add(new FieldError(place, "must be a job object"));
        continue;
      }
      List<FieldError> own = new ArrayList<>();
      submissions.add(submission(array.getJsonObject(i), own));
      own.forEach(e -> errors.add(new FieldError(place + "." + e.field(), e.message())));
    }
    if (!errors.isEmpty()) {
      // A bound on the answer too: the first few say what to fix.
      throw new BadRequestException(
          "the batch has invalid fields",
          errors.subList(0, Math.min(errors.size(), JobService.MAX_VIOLATIONS_SHOWN)));
    }
    return submissions;
  }

  private static JsonObject object(String body, String example) throws BadRequestException {
    try (JsonReader reader = Json.createReader(new StringReader(body == null ? "" : body))) {
      JsonValue value = reader.readValue();
      if (value.getValueType() != JsonValue.ValueType.OBJECT) {
        throw new BadRequestException(
            "the body must be a JSON object such as " + example, List.of());
      }
      return value.asJsonObject();
    } catch (JsonException e) {
      throw new BadRequestException("the body is not valid JSON: " + e.getMessage(), List.of());
    }
  }

  /** The submission in {@code json}, or {@code null} with what is wrong added to {@code errors}. */
  private static JobService.Request submission(JsonObject json, List<FieldError> errors) {
    for (String key : json.keySet()) {
      if (!FIELDS.contains(key)) {
        errors.add(new FieldError(key, "unknown field; known fields are " + new TreeSet<>(FIELDS)));
      }
    }
    String type = string(json, "type", errors);
    String command = string(json, "command", errors);
    List<String> args = stringList(json, "args", errors);
    Map<String, String> env = stringMap(json, "env", errors);
    String workdir = string(json, "workdir", errors);
    String stdin = string(json, "stdin", errors);
    long timeout = wholeNumber(json, "timeoutSeconds", errors);
    Map<String, String> attributes = stringMap(json, "attributes", errors);
    boolean shell = bool(json, "shell", errors);
    long maxAttempts = absent(json, "maxAttempts") ? 1 : wholeNumber(json, "maxAttempts", errors);
    Set<Integer> retryOn = intSet(json, "retryOnExitCodes", errors);
    if (!errors.isEmpty()) {
      return null; // the caller refuses the request with the errors
    }
    return new JobService.Request(
        new JobSpec(
            type,
            command,
            args,
            env,
            workdir,
            stdin == null ? null : stdin.getBytes(StandardCharsets.UTF_8),
            timeout,
            attributes,
            shell),
        new RetryPolicy(
            (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, maxAttempts)), retryOn));
  }

  private static boolean absent(JsonObject json, String field) {
    return !json.containsKey(field) || json.isNull(field);
  }

  private static String string(JsonObject json, String field, List<FieldError> errors) {
    if (absent(json, field)) {
      return null;
    }
    if (json.get(field) instanceof JsonString s) {
      return s.getString();
    }
    errors.add(new FieldError(field, "must be a string"));
    return null;
  }

  private static List<String> stringList(JsonObject json, String field, List<FieldError> errors) {
    if (absent(json, field)) {
      return List.of();
    }
    if (json.get(field).getValueType() != JsonValue.ValueType.ARRAY) {
      errors.add(new FieldError(field, "must be an array of strings, e.g. [\"-l\", \"/tmp\"]"));
      return List.of();
    }
    List<String> values = new ArrayList<>();
    var array = json.getJsonArray(field);
    for (int i = 0; i < array.size(); i++) {
      if (array.get(i) instanceof JsonString s) {
        values.add(s.getString());
      } else {
        errors.add(new FieldError(field + "[" + i + "]", "must be a string"));
      }
    }
    return values;
  }

  private static Map<String, String> stringMap(
      JsonObject json, String field, List<FieldError> errors) {
    if (absent(json, field)) {
      return Map.of();
    }
    if (json.get(field).getValueType() != JsonValue.ValueType.OBJECT) {
      errors.add(new FieldError(field, "must be an object of strings, e.g. {\"NAME\": \"value\"}"));
      return Map.of();
    }
    Map<String, String> values = new LinkedHashMap<>();
    json.getJsonObject(field)
        .forEach(
            (key, value) -> {
              if (value instanceof JsonString s) {
                values.put(key, s.getString());
              } else {
                errors.add(new FieldError(field + "." + key, "must be a string"));
              }
            });
    return values;
  }

  private static Set<Integer> intSet(JsonObject json, String field, List<FieldError> errors) {
    if (absent(json, field)) {
      return Set.of();
    }
    if (json.get(field).getValueType() != JsonValue.ValueType.ARRAY) {
      errors.add(new FieldError(field, "must be an array of exit codes, e.g. [75]"));
      return Set.of();
    }
    Set<Integer> values = new TreeSet<>();
    var array = json.getJsonArray(field);
    for (int i = 0; i < array.size(); i++) {
      if (array.get(i) instanceof JsonNumber n && n.isIntegral()) {
        values.add(n.intValue());
      } else {
        errors.add(new FieldError(field + "[" + i + "]", "must be a whole number"));
      }
    }
    return values;
  }

  private static boolean bool(JsonObject json, String field, List<FieldError> errors) {
    if (absent(json, field)) {
      return false;
    }
    JsonValue value = json.get(field);
    if (value == JsonValue.TRUE || value == JsonValue.FALSE) {
      return value == JsonValue.TRUE;
    }
    errors.add(new FieldError(field, "must be true or false"));
    return false;
  }

  private static long wholeNumber(JsonObject json, String field, List<FieldError> errors) {
    if (absent(json, field)) {
      return 0;
    }
    if (json.get(field) instanceof JsonNumber n && n.isIntegral()) {
      try {
        return n.longValueExact();
      } catch (ArithmeticException e) {
        errors.add(new FieldError(field, "is too large"));
        return 0;
      }
    }
    errors.add(
        new FieldError(
            field,
            field.equals("timeoutSeconds")
                ? "must be a whole number of seconds"
                : "must be a whole number"));
    return 0;
  }
}
