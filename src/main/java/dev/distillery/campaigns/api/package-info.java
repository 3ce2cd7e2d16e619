/**
 * REST API of campaigns: the owner's endpoints under {@code /api/v1/campaigns} (workspace API keys) and the
 * contributor's under {@code /api/v1/contribute} (the person's own email and password, HTTP Basic).
 */
@NullMarked
package dev.distillery.campaigns.api;

import org.jspecify.annotations.NullMarked;
