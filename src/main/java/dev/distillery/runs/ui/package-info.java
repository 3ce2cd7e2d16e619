/** Views of runs: the list, the launch form rendered from a method's declaration, and a run's live page with traces. */
@NullMarked
package dev.distillery.runs.ui;

import org.jspecify.annotations.NullMarked;
