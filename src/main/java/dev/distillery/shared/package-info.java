/** Small types every module may use: identifiers, error types that map to HTTP problems, UI helpers. */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {})
@NullMarked
package dev.distillery.shared;

import org.jspecify.annotations.NullMarked;
