/** REST API of leaderboards: a board's rows as JSON or CSV. */
@NullMarked
package dev.distillery.leaderboards.api;

import org.jspecify.annotations.NullMarked;
