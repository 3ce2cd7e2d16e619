package dev.distillery.tenancy;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Keeps a view's navigation entry for members whose role has {@link #value()}. Workspace roles are not Spring
 * Security authorities, so Vaadin's own menu filtering cannot see them; the service still checks the permission.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface MenuPermission {
    Permission value();
}
