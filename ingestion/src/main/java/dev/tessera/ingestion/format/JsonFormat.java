package dev.tessera.ingestion.format;

import static dev.tessera.ingestion.format.PayloadRejectedException.Reason.INVALID_VALUE;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;

/** Common frame of the JSON formats: size limit, parsing, per-element rejections of pages and batches. */
abstract class JsonFormat implements VendorFormat {

    private final String name;
    protected final FormatOptions options;
    protected final Phones phones;

    JsonFormat(String name, FormatOptions options) {
        this.name = name;
        this.options = options;
        this.phones = new Phones(options.phoneRegion());
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final MappedPayload map(SourcePayload payload) {
        JsonNode root = Json.parse(payload, options.maxPayloadBytes());
        try {
            return map(payload, root);
        } catch (IllegalArgumentException e) {
            // the canonical model's own validation (score scale, id length); its messages carry no values
            throw new PayloadRejectedException(INVALID_VALUE, e.getMessage());
        } catch (java.time.DateTimeException | ArithmeticException e) {
            throw new PayloadRejectedException(INVALID_VALUE, OUT_OF_RANGE);
        }
    }

    /** A time or number beyond what Java's time and arithmetic hold (year -999999999, say): no value named. */
    static final String OUT_OF_RANGE = "a time or number is out of range";

    abstract MappedPayload map(SourcePayload payload, JsonNode root);

    /**
     * A page ({@code {"tickets": [...]}} or a bare array) is mapped element by element; a single resource
     * ({@code {"ticket": {...}}} or the bare object) is the whole payload, so its failure rejects the payload.
     */
    static MappedPayload pageOrOne(JsonNode root, String plural, String singular, Function<JsonNode, List<MappedItem>> mapper) {
        return pageOrOne(root, plural, singular, mapper, Json::write);
    }

    /**
     * {@link #pageOrOne} where a rejected element of a page is kept as {@code kept} writes it: a payload that
     * replays on its own through the same format (e.g. the element with what the page side-loaded for it).
     */
    static MappedPayload pageOrOne(JsonNode root, String plural, String singular, Function<JsonNode, List<MappedItem>> mapper,
            Function<JsonNode, String> kept) {
        if (root.path(plural).isArray()) {
            return each(root.path(plural), mapper, kept);
        }
        if (root.isArray()) {
            return each(root, mapper, kept);
        }
        JsonNode one = root.path(singular).isObject() ? root.path(singular) : root;
        return new MappedPayload(mapper.apply(Json.requireObject(one, "the " + singular)), List.of());
    }

    /** Maps each element on its own: a bad element becomes a rejection and the others are kept. */
    static MappedPayload each(JsonNode elements, Function<JsonNode, List<MappedItem>> mapper) {
        return each(elements, mapper, Json::write);
    }

    private static MappedPayload each(JsonNode elements, Function<JsonNode, List<MappedItem>> mapper,
            Function<JsonNode, String> kept) {
        List<MappedItem> items = new ArrayList<>();
        List<ItemRejection> rejections = new ArrayList<>();
        for (JsonNode element : elements) {
            try {
                items.addAll(mapper.apply(element));
            } catch (PayloadRejectedException e) {
                rejections.add(new ItemRejection(e.reason(), e.getMessage(), kept.apply(element)));
            } catch (IllegalArgumentException e) {
                rejections.add(new ItemRejection(INVALID_VALUE, e.getMessage(), kept.apply(element)));
            } catch (java.time.DateTimeException | ArithmeticException e) {
                // one element's absurd time must not cost the others of the page their place
                rejections.add(new ItemRejection(INVALID_VALUE, OUT_OF_RANGE, kept.apply(element)));
            }
        }
        return new MappedPayload(items, rejections);
    }

    @Override
    public String toString() {
        return name;
    }
}
