/** How errors of every module's REST API become RFC 9457 problem responses. */
@NullMarked
package dev.distillery.shared.web;

import org.jspecify.annotations.NullMarked;
