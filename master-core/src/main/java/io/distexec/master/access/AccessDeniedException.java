package io.distexec.master.access;

/** The caller is authenticated but lacks a role the action needs: 403, PERMISSION_DENIED. */
public final class AccessDeniedException extends Exception {

  private final Action action;

  public AccessDeniedException(Caller caller, Action action) {
    super(
        action.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
            + " needs the role "
            + Role.labels(action.allowed()).replace(", ", " or ")
            + "; '"
            + caller.name()
            + "' has "
            + (caller.roles().isEmpty() ? "no role" : Role.labels(caller.roles())));
    this.action = action;
  }

  public Action action() {
    return action;
  }
}
