/**
 * UI helpers every feature's views may use: notifications, the session-wide error handler, charts, marked answers, model
 * text as safe Markdown with typeset math.
 */
@NullMarked
@NamedInterface("ui")
package dev.distillery.shared.ui;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.NamedInterface;
