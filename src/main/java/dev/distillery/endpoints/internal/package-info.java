/** Endpoint internals: key encryption, URL guard, the model clients and their retry/rate-limit/concurrency wrappers. */
@NullMarked
package dev.distillery.endpoints.internal;

import org.jspecify.annotations.NullMarked;
