/** REST API of model endpoints under /api/v1/endpoints. */
@NullMarked
package dev.distillery.endpoints.api;

import org.jspecify.annotations.NullMarked;
