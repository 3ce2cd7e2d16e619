/**
 * Reading users' text files the one way: strictly UTF-8, line by line with line numbers, a bad or over-long line
 * reported and skipped rather than ending the read ({@link dev.distillery.shared.text.TextLines}); CSV with a header
 * row in one format ({@link dev.distillery.shared.text.Csv}). Dataset uploads, run imports and fine-tuning files
 * read through it. And model text the other way: as safe HTML, Markdown with its LaTeX kept for MathJax
 * ({@link dev.distillery.shared.text.Markdown}), for the app's views and the public pages.
 */
@NamedInterface("text")
@NullMarked
package dev.distillery.shared.text;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.NamedInterface;
