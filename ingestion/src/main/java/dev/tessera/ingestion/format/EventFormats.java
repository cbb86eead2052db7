package dev.tessera.ingestion.format;

import static dev.tessera.ingestion.format.Json.text;
import static dev.tessera.ingestion.format.PayloadRejectedException.Reason.MISSING_IDENTIFIER;
import static dev.tessera.ingestion.format.PayloadRejectedException.Reason.UNKNOWN_VALUE;

import dev.tessera.core.model.Attributes;
import dev.tessera.core.model.Interaction;
import dev.tessera.core.model.InteractionKind;
import dev.tessera.core.model.SourceRecordId;
import dev.tessera.core.store.RedisKeys;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Segment Spec: {@code identify} gives a record from {@code userId} and {@code traits}; {@code track}
 * gives an interaction, and the E-commerce Spec's {@code Order Completed} / {@code Order Refunded} give
 * ORDER / RETURN with their amount; {@code batch} maps each element on its own.
 */
final class EventFormats {

    /** Identifier namespace of Segment's device/cookie ids: an identify with both ids stitches them. */
    static final String ANONYMOUS_NAMESPACE = "segment-anon";
    private static final int MAX_COPIED = 30;
    private static final Set<String> CHECKOUT_EVENTS = Set.of("Checkout Started", "Checkout Step Viewed",
            "Checkout Step Completed", "Payment Info Entered", "Order Completed", "Order Updated", "Order Cancelled");

    private EventFormats() {}

    enum Mode { IDENTIFY, TRACK, BATCH }

    static final class Segment extends JsonFormat {

        private final Mode mode;

        Segment(String name, Mode mode, FormatOptions options) {
            super(name, options);
            this.mode = mode;
        }

        /**
         * Segment calls Tessera takes and keeps nothing of: page and screen views (not interactions of a
         * customer's experience here; analytics.js sends one per page load) and group and alias calls. In a
         * batch they are skipped, not kept as dead letters, which would fill with every visitor's page views.
         */
        public static final java.util.Set<String> NOT_KEPT = java.util.Set.of("page", "screen", "group", "alias");

        static Segment identify(FormatOptions options) {
            return new Segment("segment-identify", Mode.IDENTIFY, options);
        }

        static Segment track(FormatOptions options) {
            return new Segment("segment-track", Mode.TRACK, options);
        }

        static Segment batch(FormatOptions options) {
            return new Segment("segment-batch", Mode.BATCH, options);
        }

        @Override
        MappedPayload map(SourcePayload payload, JsonNode root) {
            Json.requireObject(root, "the message");
            return switch (mode) {
                case IDENTIFY -> MappedPayload.of(message(payload, root, "identify"));
                case TRACK -> MappedPayload.of(message(payload, root, "track"));
                case BATCH -> each(Json.requireArray(root, "batch"), element -> {
                    // the envelope's sentAt applies to elements that have none, also as a rejected element is
                    // kept (its replay is dated as it would have been), and so does its context
                    if (element instanceof ObjectNode object) {
                        if (!object.has("sentAt") && root.has("sentAt")) {
                            object.set("sentAt", root.path("sentAt"));
                        }
                        if (!object.path("context").isObject() && root.path("context").isObject()) {
                            object.set("context", root.path("context"));
                        }
                    }
                    ObjectNode message = (ObjectNode) Json.requireObject(element, "a batch element").deepCopy();
                    if (NOT_KEPT.contains(message.path("type").asString(""))) {
                        return List.of(); // a page view or a group call: no record or interaction of Tessera's
                    }
                    return List.of(message(payload, message, null));
                });
            };
        }

        private MappedItem message(SourcePayload payload, JsonNode message, String expected) {
            String type = text(message, "type").orElse(expected);
            if (type == null || (expected != null && !expected.equals(type))) {
                throw new PayloadRejectedException(UNKNOWN_VALUE, "'type' is not " + (expected == null ? "identify or track" : expected));
            }
            Optional<String> userId = text(message, "userId");
            Optional<String> anonymousId = text(message, "anonymousId");
            if (userId.isEmpty() && anonymousId.isEmpty()) {
                throw new PayloadRejectedException(MISSING_IDENTIFIER, "missing identifier: neither 'userId' nor 'anonymousId'");
            }
            SourceRecordId recordId = Person.recordId(payload.source(),
                    userId.orElseGet(() -> "anonymous-" + anonymousId.get()), userId.isPresent() ? "userId" : "anonymousId");
            Instant at = eventTime(payload, message);
            return switch (type) {
                case "identify" -> new MappedItem(identify(recordId, message, anonymousId, at), List.of());
                case "track" -> track(recordId, message, userId.isEmpty(), anonymousId, at);
                default -> throw new PayloadRejectedException(UNKNOWN_VALUE, "'type' is not identify or track");
            };
        }

        /**
         * When the event happened. A message posted by an analytics library straight to Tessera's Segment API
         * (the endpoint header is set) carries its device's clock in {@code timestamp} and {@code sentAt}; as
         * Segment does, the event time is the receive time minus how long before sending it happened, so a
         * device whose clock is off by hours still dates its events right. Messages that went through Segment
         * (they carry {@code receivedAt}) or came from files and topics, where the receive time is not the send
         * time, keep their {@code timestamp}.
         */
        private static Instant eventTime(SourcePayload payload, JsonNode message) {
            Optional<Instant> stated = Json.instant(message, "timestamp").or(() -> Json.instant(message, "originalTimestamp"));
            if (stated.isEmpty()) {
                return payload.receivedAt();
            }
            boolean viaApi = payload.header(SourcePayload.SEGMENT_ENDPOINT_HEADER).filter(e -> e.startsWith("segment-"))
                    .isPresent();
            if (!viaApi || message.has("receivedAt")) {
                return stated.get();
            }
            Optional<Instant> sentAt;
            try {
                sentAt = Json.instant(message, "sentAt");
            } catch (PayloadRejectedException e) {
                return stated.get(); // a sentAt that is no time stamp corrects nothing
            }
            if (sentAt.isEmpty()) {
                return stated.get();
            }
            try {
                java.time.Duration beforeSending = java.time.Duration.between(stated.get(), sentAt.get());
                return payload.receivedAt().minus(beforeSending);
            } catch (java.time.DateTimeException | ArithmeticException e) {
                return stated.get(); // a sentAt centuries away corrects nothing either
            }
        }

        private dev.tessera.core.model.CustomerRecord identify(SourceRecordId id, JsonNode message,
                Optional<String> anonymousId, Instant at) {
            JsonNode traits = message.path("traits");
            JsonNode address = traits.path("address");
            Person person = new Person(id, at, phones)
                    .email(text(traits, "email"))
                    .phone(text(traits, "phone"), text(address, "country"))
                    .external(ANONYMOUS_NAMESPACE, anonymousId)
                    .attribute(Attributes.FIRST_NAME, text(traits, "firstName").or(() -> text(traits, "first_name")))
                    .attribute(Attributes.LAST_NAME, text(traits, "lastName").or(() -> text(traits, "last_name")))
                    .fullName(text(traits, "name"))
                    .attribute(Attributes.BIRTH_DATE, text(traits, "birthday").map(b -> b.length() >= 10 ? b.substring(0, 10) : b))
                    .attribute(Attributes.STREET, text(address, "street"))
                    .attribute(Attributes.CITY, text(address, "city"))
                    .attribute(Attributes.POSTCODE, text(address, "postalCode"))
                    .attribute("region", text(address, "state"))
                    .attribute(Attributes.COUNTRY, text(address, "country"));
            copyScalars(traits, (name, value) -> person.attribute(name, Optional.of(value)));
            return person.record();
        }

        private MappedItem track(SourceRecordId id, JsonNode message, boolean anonymous, Optional<String> anonymousId,
                Instant at) {
            String event = Json.require(message, "event");
            JsonNode properties = message.path("properties");
            String messageId = text(message, "messageId")
                    .orElseGet(() -> "d" + RedisKeys.digest(Json.write(message)));
            String channel = channel(message);
            Map<String, String> attributes = new LinkedHashMap<>();
            attributes.put("event", event);
            Interaction interaction;
            switch (event) {
                case "Order Completed", "Order Refunded" -> {
                    boolean completed = event.equals("Order Completed");
                    Optional<String> orderId = text(properties, "order_id");
                    attributes.put("order", orderId.orElse(null));
                    attributes.put("coupon", text(properties, "coupon").orElse(null));
                    products(properties.path("products"), attributes);
                    // no amount given (a full refund named by its order only): none, not zero
                    Optional<BigDecimal> amount = Json.decimal(properties, "total").or(() -> Json.decimal(properties, "revenue"))
                            .or(() -> Json.decimal(properties, "value"));
                    // The E-commerce Spec says currency defaults to USD.
                    String currency = text(properties, "currency").orElse("USD");
                    String interactionId = completed && orderId.isPresent()
                            ? Events.id(id, "order", orderId.get()) : Events.id(id, "event", messageId);
                    interaction = Events.of(interactionId, id, completed ? InteractionKind.ORDER : InteractionKind.RETURN,
                            channel, completed ? ShopFormats.CHECKOUT : ShopFormats.RETURNS, at,
                            amount.map(a -> Events.money(a, currency, "properties.currency")).orElse(null), null, attributes);
                }
                case "Order Cancelled" -> {
                    // Replaces the order under its key: a cancelled order counts in no order metric (kept on the
                    // timeline as what happened); without an order id it is an event of its own
                    Optional<String> orderId = text(properties, "order_id");
                    attributes.put("order", orderId.orElse(null));
                    copyScalars(properties, attributes::putIfAbsent);
                    interaction = Events.of(orderId.map(o -> Events.id(id, "order", o)).orElseGet(() -> Events.id(id, "event", messageId)),
                            id, InteractionKind.CUSTOM, channel, ShopFormats.CHECKOUT, at, null, null, attributes);
                }
                default -> {
                    copyScalars(properties, attributes::putIfAbsent);
                    interaction = Events.of(Events.id(id, "event", messageId), id, InteractionKind.CUSTOM, channel,
                            CHECKOUT_EVENTS.contains(event) ? ShopFormats.CHECKOUT : null, at, null, null, attributes);
                }
            }
            // An anonymous visitor's record is nothing but the device id, so it is safe to send with each event;
            // a known user's record comes from identify and must not be overwritten by an empty one.
            dev.tessera.core.model.CustomerRecord record = anonymous
                    ? new Person(id, at, phones).external(ANONYMOUS_NAMESPACE, anonymousId).record() : null;
            return new MappedItem(record, List.of(interaction));
        }

        private static String channel(JsonNode message) {
            String declared = text(message, "channel").orElse("").toLowerCase(Locale.ROOT);
            if (declared.equals("mobile") || message.path("context").path("device").isObject()
                    || message.path("context").path("app").isObject()) {
                return "app";
            }
            return "web";
        }

        private static void products(JsonNode products, Map<String, String> attributes) {
            int count = 0;
            TreeSet<String> skus = new TreeSet<>();
            for (JsonNode product : products) {
                count += product.path("quantity").asInt(1);
                text(product, "sku").ifPresent(skus::add);
            }
            attributes.put("item_count", Integer.toString(count));
            attributes.put("skus", String.join(",", skus));
        }

        /** Scalar values whose key, in snake case, is a valid attribute name (a few dozen at most). */
        private static void copyScalars(JsonNode object, java.util.function.BiConsumer<String, String> sink) {
            int copied = 0;
            for (Map.Entry<String, JsonNode> entry : object.properties()) {
                String name = entry.getKey().replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
                JsonNode value = entry.getValue();
                if (copied < MAX_COPIED && Attributes.isValidName(name) && (value.isString() || value.isNumber() || value.isBoolean())) {
                    text(object, entry.getKey()).ifPresent(v -> sink.accept(name, v));
                    copied++;
                }
            }
        }
    }
}
