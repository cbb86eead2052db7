package dev.tessera.core.identity;

import dev.tessera.core.model.SourceRecordId;
import java.util.Set;

/**
 * Thrown instead of picking a side when decisions contradict each other: a chain of must-link decisions
 * joins records an agent separated (A–B and B–C joined, A and C separated). Nothing was changed. The
 * message holds counts only; {@link #records()} names the records of the chain for the caller to show.
 */
public final class MustLinkConflictException extends IllegalStateException {

    private final transient Set<SourceRecordId> records;

    public MustLinkConflictException(String what, Set<SourceRecordId> records) {
        super(what + ": must-link decisions join " + records.size()
                + " records of which an agent separated some (cannot-link); merge or split them explicitly first");
        this.records = Set.copyOf(records);
    }

    /** The records the contradicting decisions join. */
    public Set<SourceRecordId> records() {
        return records;
    }
}
