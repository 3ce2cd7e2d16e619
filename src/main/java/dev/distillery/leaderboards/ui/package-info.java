/** Views of leaderboards: the board with its filters, the teacher × student matrix, charts, and publishing. */
@NullMarked
package dev.distillery.leaderboards.ui;

import org.jspecify.annotations.NullMarked;
