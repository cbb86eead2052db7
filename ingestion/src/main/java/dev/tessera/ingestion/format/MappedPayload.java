package dev.tessera.ingestion.format;

import dev.tessera.core.model.Interaction;
import java.util.List;
import java.util.stream.Stream;

/** The outcome of mapping one payload: the items that mapped and the elements that did not. */
public record MappedPayload(List<MappedItem> items, List<ItemRejection> rejections) {

    public MappedPayload {
        items = List.copyOf(items);
        rejections = List.copyOf(rejections);
    }

    static MappedPayload of(MappedItem item) {
        return new MappedPayload(List.of(item), List.of());
    }

    public Stream<Interaction> interactions() {
        return items.stream().flatMap(item -> item.interactions().stream());
    }
}
