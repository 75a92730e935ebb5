package io.distexec.master.auth;

import io.distexec.master.access.Action;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The action a REST resource method takes, and so the roles that may call it. A resource method
 * without one is refused to everybody: a new endpoint cannot be open by mistake.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Requires {
  Action value();
}
