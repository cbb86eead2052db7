package dev.tessera.profile.api;

import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Size;
import java.util.List;

/** Records to move out of a profile, as {@code source:sourceId} keys (see the profile's records). */
record SplitRequest(@NotEmpty @Size(max = 1000) List<String> records) {}
