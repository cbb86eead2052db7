package dev.tessera.ingestion.format;

import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.Interaction;
import java.util.List;

/**
 * What one element of a payload says: who (a record, or null when the element only reports an interaction
 * of a person described elsewhere, e.g. a ticket naming its requester by id) and what happened.
 * Every interaction belongs to {@code record.id()} when there is a record, else to the source record it
 * names; the route stores the record first.
 */
public record MappedItem(CustomerRecord record, List<Interaction> interactions) {

    public MappedItem {
        interactions = List.copyOf(interactions);
        if (record == null && interactions.isEmpty()) {
            throw new IllegalArgumentException("an item needs a record or an interaction");
        }
    }
}
