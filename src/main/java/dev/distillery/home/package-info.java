/**
 * Home: the page a workspace opens on. It reads what the workspace has done and what is going on from the other
 * modules' services (a getting-started checklist, live runs and experiments, the user's review work, the boards'
 * significant gains) and owns no data. Nothing depends on it, so it may depend on every feature.
 */
@org.springframework.modulith.ApplicationModule(
        allowedDependencies = {
            "datasets",
            "endpoints",
            "experiments",
            "leaderboards",
            "review",
            "runs",
            "shared",
            "shared :: ui",
            "tenancy"
        })
@NullMarked
package dev.distillery.home;

import org.jspecify.annotations.NullMarked;
