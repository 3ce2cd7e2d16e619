package dev.distillery.campaigns;

import java.time.Instant;

/** A campaign's progress up to a point in time, for the chart on its page. */
public record Progress(Instant at, int answers, int finalItems) {}
