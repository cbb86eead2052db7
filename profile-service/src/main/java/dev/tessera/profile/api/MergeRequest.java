package dev.tessera.profile.api;

import dev.tessera.core.model.MergeDecision;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/**
 * Merge another profile with this one because they are one customer.
 *
 * @param other             the other profile's id
 * @param reason            why (shown with the explanation to agents; write no more personal data than needed)
 * @param overrideKeptApart true to merge also when an agent kept records of the two profiles apart (a
 *                          split); absent or false answers 409 {@code kept-apart} in that case
 */
record MergeRequest(@NotBlank @Size(max = 64) String other, @NotBlank @Size(max = MergeDecision.MAX_REASON) String reason,
        Boolean overrideKeptApart) {

    boolean overrides() {
        return Boolean.TRUE.equals(overrideKeptApart);
    }
}
