/**
 * Dataset file formats: streaming parsers that turn an upload (plain file or zip) into {@link
 * dev.distillery.datasets.formats.ParsedItem}s and report every bad line with its number and field. No database,
 * no Spring: the datasets service stores what they produce.
 */
@NullMarked
package dev.distillery.datasets.formats;

import org.jspecify.annotations.NullMarked;
