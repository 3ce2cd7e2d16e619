/** The workspace's public page of listed campaigns: server-rendered HTML at {@code /p/{workspace}}, no account needed. */
@NullMarked
package dev.distillery.campaigns.web;

import org.jspecify.annotations.NullMarked;
