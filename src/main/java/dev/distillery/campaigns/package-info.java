/**
 * Crowd review campaigns: a review queue opened to contributors outside the workspace, who see only the campaign's
 * items; gold items check them, and a reliability-weighted consensus decides each item.
 */
@org.springframework.modulith.ApplicationModule(
        allowedDependencies = {"review", "runs", "shared", "shared :: ui", "shared :: text", "tenancy"})
@NullMarked
package dev.distillery.campaigns;

import org.jspecify.annotations.NullMarked;
