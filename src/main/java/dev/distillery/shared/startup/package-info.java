/** Startup problems an operator can fix, reported as what is wrong and what to do. */
@NullMarked
@NamedInterface("startup")
package dev.distillery.shared.startup;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.NamedInterface;
