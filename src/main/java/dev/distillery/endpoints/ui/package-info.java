/** Views of model endpoints: the list, the form, test connection and key rotation. */
@NullMarked
package dev.distillery.endpoints.ui;

import org.jspecify.annotations.NullMarked;
