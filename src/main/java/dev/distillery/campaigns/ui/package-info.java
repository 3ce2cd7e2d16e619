/**
 * Views of campaigns: the owner's list, form and campaign page (in the workspace's layout), and the contributor's
 * join, review and "my campaigns" pages in a layout of their own that shows nothing of any workspace.
 */
@NullMarked
package dev.distillery.campaigns.ui;

import org.jspecify.annotations.NullMarked;
