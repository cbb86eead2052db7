package dev.tessera.core.identity;

import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.Profile;
import java.util.List;
import java.util.Set;

/**
 * A live profile that may hold the person of an incoming record, with its records and the identity keys
 * ({@code email}, {@code phone}, {@code external_id}, {@code source_id}, {@code block}) through which it
 * was found.
 */
public record Candidate(Profile profile, List<CustomerRecord> records, Set<String> foundBy) {

    public Candidate {
        records = List.copyOf(records);
        foundBy = Set.copyOf(foundBy);
    }

    public boolean holds(CustomerRecord record) {
        return profile.records().contains(record.id());
    }
}
