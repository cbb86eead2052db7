package dev.tessera.ingestion.format;

import static dev.tessera.ingestion.format.Json.at;
import static dev.tessera.ingestion.format.Json.decimal;
import static dev.tessera.ingestion.format.Json.instant;
import static dev.tessera.ingestion.format.Json.text;
import static dev.tessera.ingestion.format.PayloadRejectedException.Reason.MISSING_IDENTIFIER;

import dev.tessera.core.model.Attributes;
import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.Interaction;
import dev.tessera.core.model.InteractionKind;
import dev.tessera.core.model.SourceRecordId;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;

/** Shopify and WooCommerce orders and customers (webhook bodies and REST resources alike). */
final class ShopFormats {

    static final String CHANNEL = "web";
    static final String CHECKOUT = "checkout";
    static final String RETURNS = "returns";
    private static final int MAX_SKUS = 50;

    private ShopFormats() {}

    /** The REST API wraps a resource ({@code {"order": {...}}}); webhooks send it bare. */
    static JsonNode unwrap(JsonNode root, String wrapper) {
        JsonNode inner = root.path(wrapper);
        return Json.requireObject(inner.isObject() ? inner : root, "the " + wrapper);
    }

    /**
     * Shopify's id: the tail of {@code admin_graphql_api_id} when present, since JavaScript-based relays
     * round ids above 2^53 in the numeric {@code id} field; else {@code id}.
     */
    static String shopifyId(JsonNode node, String path) {
        String prefix = path.isEmpty() ? "" : path + ".";
        Optional<String> gid = text(node, prefix + "admin_graphql_api_id")
                .map(g -> g.substring(g.lastIndexOf('/') + 1)).filter(t -> t.matches("\\d+"));
        return gid.orElseGet(() -> Json.requireId(node, prefix + "id"));
    }

    static void address(Person person, JsonNode address, String street, String street2, String postcode,
            String countryCode, String region) {
        if (!address.isObject()) {
            return;
        }
        String line = text(address, street).orElse("")
                + text(address, street2).map(s -> ", " + s).orElse("");
        person.attribute(Attributes.STREET, Optional.of(line))
                .attribute(Attributes.CITY, text(address, "city"))
                .attribute(Attributes.POSTCODE, text(address, postcode))
                .attribute("region", text(address, region))
                .attribute(Attributes.COUNTRY, text(address, countryCode));
    }

    static void items(JsonNode lineItems, Map<String, String> attributes, String quantityField) {
        int count = 0;
        TreeSet<String> skus = new TreeSet<>();
        for (JsonNode line : lineItems) {
            JsonNode item = line.path("line_item").isObject() ? line.path("line_item") : line;
            count += Math.max(0, line.path(quantityField).asInt(0));
            text(item, "sku").ifPresent(sku -> {
                if (skus.size() < MAX_SKUS) {
                    skus.add(sku);
                }
            });
        }
        attributes.put("item_count", Integer.toString(count));
        attributes.put("skus", String.join(",", skus));
    }

    static Instant firstTime(JsonNode node, Instant fallback, String... paths) {
        for (String path : paths) {
            Optional<Instant> time = instant(node, path);
            if (time.isPresent()) {
                return time.get();
            }
        }
        return fallback;
    }

    /** {@code shopify-order}: the buyer (embedded customer, else the guest's order contact) and ORDER, RETURNs. */
    static final class ShopifyOrder extends JsonFormat {

        ShopifyOrder(FormatOptions options) {
            super("shopify-order", options);
        }

        @Override
        MappedPayload map(SourcePayload payload, JsonNode root) {
            JsonNode order = unwrap(root, "order");
            String orderId = shopifyId(order, "");
            Instant orderedAt = firstTime(order, null, "processed_at", "created_at");
            if (orderedAt == null) {
                orderedAt = Json.requireInstant(order, "created_at");
            }
            Instant updatedAt = firstTime(order, orderedAt, "updated_at");
            JsonNode customer = order.path("customer");
            Optional<String> orderEmail = text(order, "email").or(() -> text(order, "contact_email"));

            Person person;
            if (customer.isObject() && (text(customer, "id").isPresent() || text(customer, "admin_graphql_api_id").isPresent())) {
                person = customer(payload.source(), customer, firstTime(customer, updatedAt, "updated_at"), phones);
            } else {
                // Guest checkout: the order itself is the only record of the person.
                person = new Person(Person.recordId(payload.source(), "order-" + orderId, "id"), updatedAt, phones);
                JsonNode billing = order.path("billing_address");
                person.email(orderEmail)
                        .phone(text(order, "phone").or(() -> text(billing, "phone")), text(billing, "country_code"))
                        .attribute(Attributes.FIRST_NAME, text(billing, "first_name"))
                        .attribute(Attributes.LAST_NAME, text(billing, "last_name"));
                address(person, billing, "address1", "address2", "zip", "country_code", "province");
                if (!person.hasIdentifiers()) {
                    throw new PayloadRejectedException(MISSING_IDENTIFIER,
                            "missing identifier: no 'customer.id' and no valid 'email' or 'phone'");
                }
            }
            CustomerRecord record = person.record();
            String currency = text(order, "currency").orElse(null);

            Map<String, String> attributes = new LinkedHashMap<>();
            attributes.put("order", orderId);
            attributes.put("order_name", text(order, "name").orElse(null));
            attributes.put("financial_status", text(order, "financial_status").orElse(null));
            attributes.put("fulfillment_status", text(order, "fulfillment_status").orElse(null));
            // A cancelled or voided order, or a test order, is no purchase: it stays on the timeline under the
            // order's key (a later delivery of the same order replaces it either way) but counts in no order metric
            String notPlaced = Json.bool(order, "test") ? "test_order"
                    : instant(order, "cancelled_at").isPresent() ? "order_cancelled"
                    : "voided".equals(text(order, "financial_status").orElse("")) ? "order_voided" : null;
            if (instant(order, "cancelled_at").isPresent()) {
                attributes.put("cancelled", "true");
            }
            if (notPlaced != null) {
                attributes.put("event", notPlaced);
            }
            // The order may be placed under another address than the customer account's: keep it, linked to nothing.
            orderEmail.filter(e -> !e.equalsIgnoreCase(record.attributes().getOrDefault(Attributes.EMAIL, "")))
                    .ifPresent(e -> attributes.put("order_email", e.strip().toLowerCase(java.util.Locale.ROOT)));
            items(order.path("line_items"), attributes, "quantity");
            String channel = text(order, "source_name").filter("pos"::equals).map(s -> "store").orElse(CHANNEL);
            BigDecimal total = decimal(order, "total_price").orElseThrow(
                    () -> new PayloadRejectedException(PayloadRejectedException.Reason.MALFORMED, "'total_price' is absent"));

            List<Interaction> interactions = new ArrayList<>();
            interactions.add(Events.of(Events.id(record.id(), "order", orderId), record.id(),
                    notPlaced == null ? InteractionKind.ORDER : InteractionKind.CUSTOM,
                    channel, CHECKOUT, orderedAt, Events.money(total, currency, "currency"), null, attributes));
            int index = 0;
            for (JsonNode refund : order.path("refunds")) {
                String path = "refunds[" + index++ + "]";
                String refundId = text(refund, "admin_graphql_api_id").map(g -> g.substring(g.lastIndexOf('/') + 1))
                        .or(() -> text(refund, "id")).orElseThrow(() -> new PayloadRejectedException(
                                PayloadRejectedException.Reason.MALFORMED, "'" + path + ".id' is absent"));
                BigDecimal amount = BigDecimal.ZERO;
                String refundCurrency = currency;
                boolean fromTransactions = false;
                for (JsonNode transaction : refund.path("transactions")) {
                    String status = text(transaction, "status").orElse("success");
                    if ("refund".equals(text(transaction, "kind").orElse("")) && "success".equals(status)) {
                        amount = amount.add(decimal(transaction, "amount").orElse(BigDecimal.ZERO));
                        refundCurrency = text(transaction, "currency").orElse(refundCurrency);
                        fromTransactions = true;
                    }
                }
                if (!fromTransactions) {
                    for (JsonNode line : refund.path("refund_line_items")) {
                        amount = amount.add(decimal(line, "subtotal").orElse(BigDecimal.ZERO));
                    }
                }
                Map<String, String> returned = new LinkedHashMap<>();
                returned.put("order", orderId);
                returned.put("refund", refundId);
                if (currency != null && refundCurrency != null && !refundCurrency.equalsIgnoreCase(currency)) {
                    // refund transactions are in the buyer's (presentment) currency, the order in the shop's: the
                    // refund is converted at the order's own rate, so both count in one currency
                    Optional<BigDecimal> shop = decimal(order, "total_price_set.shop_money.amount");
                    Optional<BigDecimal> presented = decimal(order, "total_price_set.presentment_money.amount");
                    boolean sameAsPresented = refundCurrency.equalsIgnoreCase(
                            text(order, "total_price_set.presentment_money.currency_code").orElse(""));
                    if (sameAsPresented && shop.isPresent() && presented.isPresent() && presented.get().signum() > 0) {
                        returned.put("refund_presented", amount.toPlainString() + " " + refundCurrency);
                        amount = amount.multiply(shop.get()).divide(presented.get(), 2, RoundingMode.HALF_EVEN);
                        refundCurrency = currency;
                    }
                }
                if (notPlaced != null) {
                    returned.put("event", "refund_of_" + notPlaced); // the order counts nowhere, so neither does its refund
                }
                items(refund.path("refund_line_items"), returned, "quantity");
                interactions.add(Events.of(Events.id(record.id(), "refund", refundId), record.id(),
                        notPlaced == null ? InteractionKind.RETURN : InteractionKind.CUSTOM,
                        channel, RETURNS, firstTime(refund, updatedAt, "processed_at", "created_at"),
                        Events.money(amount, refundCurrency, path + ".currency"), null, returned));
            }
            return MappedPayload.of(new MappedItem(record, interactions));
        }
    }

    static Person customer(String source, JsonNode customer, Instant observedAt, Phones phones) {
        String id = shopifyId(customer, "");
        JsonNode address = customer.path("default_address");
        if (!address.isObject()) {
            for (JsonNode candidate : customer.path("addresses")) {
                if (!address.isObject() || Json.bool(candidate, "default")) {
                    address = candidate;
                }
            }
        }
        Person person = new Person(Person.recordId(source, id, "id"), observedAt, phones)
                .email(text(customer, "email"))
                .phone(text(customer, "phone").or(() -> text(at(customer, "default_address"), "phone")),
                        text(address, "country_code"))
                .attribute(Attributes.FIRST_NAME, text(customer, "first_name"))
                .attribute(Attributes.LAST_NAME, text(customer, "last_name"))
                .attribute("email_marketing", text(customer, "email_marketing_consent.state"))
                // consent statements in the form core's ConsentStore reads (docs/privacy.md): subscribed →
                // granted, unsubscribed / not_subscribed → withdrawn; pending, redacted, invalid say nothing
                .attribute("consent_marketing_email", text(customer, "email_marketing_consent.state"))
                .attribute("consent_marketing_email_at", text(customer, "email_marketing_consent.consent_updated_at"))
                .attribute("consent_marketing_sms", text(customer, "sms_marketing_consent.state"))
                .attribute("consent_marketing_sms_at", text(customer, "sms_marketing_consent.consent_updated_at"));
        address(person, address, "address1", "address2", "zip", "country_code", "province");
        return person;
    }

    /** {@code shopify-customer}: the customer record. */
    static final class ShopifyCustomer extends JsonFormat {

        ShopifyCustomer(FormatOptions options) {
            super("shopify-customer", options);
        }

        @Override
        MappedPayload map(SourcePayload payload, JsonNode root) {
            JsonNode customer = unwrap(root, "customer");
            Instant observedAt = firstTime(customer, payload.receivedAt(), "updated_at", "created_at");
            return MappedPayload.of(new MappedItem(customer(payload.source(), customer, observedAt, phones).record(), List.of()));
        }
    }

    /** {@code woocommerce-order}: the buyer from the billing address, ORDER, and a RETURN per refund. */
    static final class WooCommerceOrder extends JsonFormat {

        /** WooCommerce order statuses that are no purchase (processing, on-hold, completed, refunded are). */
        static final java.util.Set<String> NOT_PLACED_WOOCOMMERCE = java.util.Set.of("pending", "failed", "cancelled",
                "trash", "checkout-draft");

        WooCommerceOrder(FormatOptions options) {
            super("woocommerce-order", options);
        }

        @Override
        MappedPayload map(SourcePayload payload, JsonNode root) {
            JsonNode order = Json.requireObject(root, "the order");
            String orderId = Json.requireId(order, "id");
            Instant createdAt = firstTime(order, null, "date_created_gmt", "date_created");
            if (createdAt == null) {
                createdAt = Json.requireInstant(order, "date_created_gmt");
            }
            Instant modifiedAt = firstTime(order, createdAt, "date_modified_gmt", "date_modified");
            String customerId = text(order, "customer_id").filter(id -> !"0".equals(id)).orElse(null);
            // customer_id 0 is a guest checkout: the order is the only record of the person.
            SourceRecordId recordId = Person.recordId(payload.source(),
                    customerId != null ? customerId : "order-" + orderId, customerId != null ? "customer_id" : "id");
            JsonNode billing = order.path("billing");
            Person person = new Person(recordId, modifiedAt, phones)
                    .email(text(billing, "email"))
                    .phone(text(billing, "phone"), text(billing, "country"))
                    .attribute(Attributes.FIRST_NAME, text(billing, "first_name"))
                    .attribute(Attributes.LAST_NAME, text(billing, "last_name"));
            address(person, billing, "address_1", "address_2", "postcode", "country", "state");
            if (customerId == null && !person.hasIdentifiers()) {
                throw new PayloadRejectedException(MISSING_IDENTIFIER,
                        "missing identifier: 'customer_id' is 0 and no valid 'billing.email' or 'billing.phone'");
            }
            CustomerRecord record = person.record();
            String currency = text(order, "currency").orElse(null);

            Map<String, String> attributes = new LinkedHashMap<>();
            attributes.put("order", orderId);
            attributes.put("order_name", text(order, "number").orElse(null));
            String status = text(order, "status").orElse("");
            attributes.put("status", status);
            // Not (yet) a purchase: awaiting payment, failed, cancelled, trashed, a draft. Kept on the timeline under
            // the order's key, so the delivery that reports it paid replaces it with the order.
            boolean placed = !NOT_PLACED_WOOCOMMERCE.contains(status);
            if (!placed) {
                attributes.put("event", "order_" + status.replace('-', '_'));
            }
            items(order.path("line_items"), attributes, "quantity");
            BigDecimal total = decimal(order, "total").orElseThrow(
                    () -> new PayloadRejectedException(PayloadRejectedException.Reason.MALFORMED, "'total' is absent"));

            List<Interaction> interactions = new ArrayList<>();
            interactions.add(Events.of(Events.id(recordId, "order", orderId), recordId,
                    placed ? InteractionKind.ORDER : InteractionKind.CUSTOM, CHANNEL,
                    CHECKOUT, createdAt, Events.money(total, currency, "currency"), null, attributes));
            int index = 0;
            for (JsonNode refund : order.path("refunds")) {
                String path = "refunds[" + index++ + "]";
                String refundId = text(refund, "id").orElseThrow(() -> new PayloadRejectedException(
                        PayloadRejectedException.Reason.MALFORMED, "'" + path + ".id' is absent"));
                // The order lists refunds with negative totals and without times; the order's last change is the best time known.
                BigDecimal amount = decimal(refund, "total").orElse(BigDecimal.ZERO).abs();
                Map<String, String> returned = new LinkedHashMap<>();
                returned.put("order", orderId);
                returned.put("refund", refundId);
                returned.put("reason", text(refund, "reason").orElse(null));
                if (!placed) {
                    returned.put("event", "refund_of_order_" + status.replace('-', '_'));
                }
                interactions.add(Events.of(Events.id(recordId, "refund", refundId), recordId,
                        placed ? InteractionKind.RETURN : InteractionKind.CUSTOM,
                        CHANNEL, RETURNS, modifiedAt, Events.money(amount, currency, "currency"), null, returned));
            }
            return MappedPayload.of(new MappedItem(record, interactions));
        }
    }

    /** {@code woocommerce-customer}: the customer record (account email first, then billing). */
    static final class WooCommerceCustomer extends JsonFormat {

        WooCommerceCustomer(FormatOptions options) {
            super("woocommerce-customer", options);
        }

        @Override
        MappedPayload map(SourcePayload payload, JsonNode root) {
            JsonNode customer = Json.requireObject(root, "the customer");
            String id = Json.requireId(customer, "id");
            JsonNode billing = customer.path("billing");
            Person person = new Person(Person.recordId(payload.source(), id, "id"),
                    firstTime(customer, payload.receivedAt(), "date_modified_gmt", "date_modified", "date_created_gmt"), phones)
                    .email(text(customer, "email"))
                    .email(text(billing, "email"))
                    .phone(text(billing, "phone"), text(billing, "country"))
                    .attribute(Attributes.FIRST_NAME, text(customer, "first_name").or(() -> text(billing, "first_name")))
                    .attribute(Attributes.LAST_NAME, text(customer, "last_name").or(() -> text(billing, "last_name")));
            address(person, billing, "address_1", "address_2", "postcode", "country", "state");
            return MappedPayload.of(new MappedItem(person.record(), List.of()));
        }
    }
}
