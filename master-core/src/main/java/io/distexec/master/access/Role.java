package io.distexec.master.access;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** What a caller may do, in four steps of trust. */
public enum Role {
  /** Reads jobs, their output and the workers. */
  VIEWER,
  /** Submits jobs; sees and cancels its own. */
  SUBMITTER,
  /** Reads everything, cancels any job, drains workers. */
  OPERATOR,
  /** Everything, with tokens and the audit trail. */
  ADMIN;

  /** The name users write: lower case. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Roles from a comma- or space-separated list such as {@code "submitter,viewer"}.
   *
   * @throws IllegalArgumentException naming the unknown role and the known ones
   */
  public static Set<Role> parseAll(String text) {
    Set<Role> roles = EnumSet.noneOf(Role.class);
    for (String part : text.split("[,\\s]+")) {
      if (part.isBlank()) {
        continue;
      }
      roles.add(parse(part));
    }
    return roles;
  }

  public static Role parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown role '" + text.trim() + "'; the roles are " + labels(EnumSet.allOf(Role.class)));
    }
  }

  /** {@code "operator, admin"}, in the order of trust. */
  public static String labels(Set<Role> roles) {
    return Arrays.stream(values())
        .filter(roles::contains)
        .map(Role::label)
        .collect(Collectors.joining(", "));
  }
}
