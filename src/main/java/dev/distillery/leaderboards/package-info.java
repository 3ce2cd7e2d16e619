/**
 * Leaderboards: one entry per finished run with its accuracy, Wilson interval, and the paired comparison with the
 * student's own baseline on the same items (McNemar exact test, bootstrap interval of the difference), kept up to
 * date by events from runs and review; the teacher × student matrix; boards published at public URLs.
 */
@org.springframework.modulith.ApplicationModule(
        allowedDependencies = {
            "datasets",
            "endpoints",
            "review",
            "runs",
            "shared",
            "shared :: text",
            "shared :: ui",
            "tenancy"
        })
@NullMarked
package dev.distillery.leaderboards;

import org.jspecify.annotations.NullMarked;
