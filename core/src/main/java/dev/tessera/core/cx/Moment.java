package dev.tessera.core.cx;

import dev.tessera.core.model.ProfileId;

/** A fired moment of truth, as published on the change feed: which rule, on which profile. */
public record Moment(String rule, ProfileId profile) {}
