package dev.tessera.core.cx;

import dev.tessera.core.model.Interaction;
import java.util.List;

/** A page of a timeline and how many interactions match the query in all. */
public record TimelinePage(List<Interaction> items, long total, int offset, int limit) {

    public TimelinePage {
        items = List.copyOf(items);
    }

    public boolean hasMore() {
        return offset + items.size() < total;
    }
}
