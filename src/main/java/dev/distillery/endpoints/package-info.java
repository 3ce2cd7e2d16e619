/**
 * Model endpoints: the workspace's registry of OpenAI-compatible servers (encrypted keys, decoding defaults,
 * limits, prices) and {@link dev.distillery.endpoints.ModelInvoker}, the one way the rest of the app calls a model.
 * LangChain4j and the OpenAI SDK live only inside this module.
 */
@org.springframework.modulith.ApplicationModule(
        allowedDependencies = {"shared", "shared :: ui", "shared :: startup", "tenancy"})
@NullMarked
package dev.distillery.endpoints;

import org.jspecify.annotations.NullMarked;
