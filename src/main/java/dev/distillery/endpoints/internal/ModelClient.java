package dev.distillery.endpoints.internal;

import dev.distillery.endpoints.ModelCallException;
import dev.distillery.endpoints.ModelRequest;
import dev.distillery.endpoints.ModelResponse;

/** One attempt at a model call over one protocol; failures are {@link ModelCallException}s. */
interface ModelClient {

    /** @param request with the endpoint's defaults already applied */
    ModelResponse call(ModelRequest request);
}
