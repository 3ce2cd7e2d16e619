/** REST API of tenancy under /api/v1: the key's workspace, members, invitations, API keys, audit log. */
@NullMarked
package dev.distillery.tenancy.api;

import org.jspecify.annotations.NullMarked;
