/** The home view, at the application's root. */
@NullMarked
package dev.distillery.home.ui;

import org.jspecify.annotations.NullMarked;
