package dev.tessera.core.identity;

import dev.tessera.core.model.CustomerRecord;

/**
 * Links an incoming record to the unified profile of the person it describes, creating or merging
 * profiles as needed, and stores it. Implementations are thread-safe and converge: the same records
 * resolved in any order, by any number of threads or processes, end in the same profiles.
 */
public interface IdentityResolver {

    Resolution resolve(CustomerRecord record);

    /**
     * Resolves several records, as if one after another in some order; one resolution per record, in the
     * same order. Implementations may send the work for several records together.
     */
    default java.util.List<Resolution> resolveAll(java.util.List<CustomerRecord> records) {
        return records.stream().map(this::resolve).toList();
    }
}
