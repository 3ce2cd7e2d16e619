package dev.distillery.campaigns;

/** A new campaign and its join token, shown once: only its hash is kept. */
public record CreatedCampaign(CampaignSummary campaign, String joinToken) {}
