package dev.tessera.profile.api;

import java.util.List;

/** The profile that holds the records of both now, and the id that forwards to it. */
record MergeView(String profile, List<String> mergedAway) {}
