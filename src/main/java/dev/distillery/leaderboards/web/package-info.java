/** Public leaderboard pages: server-rendered HTML at {@code /p/{workspace}/{board}}, readable without an account. */
@NullMarked
package dev.distillery.leaderboards.web;

import org.jspecify.annotations.NullMarked;
