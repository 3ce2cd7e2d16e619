/** Views of tenancy: sign-in, sign-up, the main layout with its workspace switcher, settings, invitations. */
@NullMarked
package dev.distillery.tenancy.ui;

import org.jspecify.annotations.NullMarked;
