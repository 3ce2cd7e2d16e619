/** UI helpers every feature's views may use: notifications, the session-wide error handler, charts, marked answers. */
@NullMarked
@NamedInterface("ui")
package dev.distillery.shared.ui;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.NamedInterface;
