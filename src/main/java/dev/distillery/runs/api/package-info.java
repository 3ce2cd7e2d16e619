/** REST API of runs under /api/v1/runs: launch, status, cancel/resume/retry, traces. */
@NullMarked
package dev.distillery.runs.api;

import org.jspecify.annotations.NullMarked;
