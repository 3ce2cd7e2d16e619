/** Distillery's application root: bootstraps Spring and the Vaadin app shell; each sub-package is a feature module. */
@NullMarked
package dev.distillery;

import org.jspecify.annotations.NullMarked;
