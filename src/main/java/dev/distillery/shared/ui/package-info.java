/** UI helpers every feature's views may use: notifications and the session-wide error handler. */
@NullMarked
@NamedInterface("ui")
package dev.distillery.shared.ui;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.NamedInterface;
