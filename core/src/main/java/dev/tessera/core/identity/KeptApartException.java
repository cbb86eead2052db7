package dev.tessera.core.identity;

import dev.tessera.core.model.SourceRecordId;
import java.util.Set;

/**
 * Thrown by a manual merge of two profiles whose records an agent separated (cannot-link), unless the
 * merge says it overrides that decision: merging would bring back what someone took apart on purpose,
 * possibly showing one customer another's data. Nothing was changed. The message holds counts only;
 * {@link #records()} names the separated records of both profiles.
 */
public final class KeptApartException extends IllegalStateException {

    private final transient Set<SourceRecordId> records;

    public KeptApartException(Set<SourceRecordId> records) {
        super("an agent kept " + records.size() + " records of these two profiles apart (cannot-link); "
                + "merge over that decision only on purpose");
        this.records = Set.copyOf(records);
    }

    /** The records on either side of the decisions the merge would override. */
    public Set<SourceRecordId> records() {
        return records;
    }
}
