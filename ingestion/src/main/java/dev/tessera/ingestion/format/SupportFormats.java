package dev.tessera.ingestion.format;

import static dev.tessera.ingestion.format.Json.decimal;
import static dev.tessera.ingestion.format.Json.epoch;
import static dev.tessera.ingestion.format.Json.instant;
import static dev.tessera.ingestion.format.Json.text;
import static dev.tessera.ingestion.format.PayloadRejectedException.Reason.INVALID_VALUE;
import static dev.tessera.ingestion.format.PayloadRejectedException.Reason.MISSING_IDENTIFIER;
import static dev.tessera.ingestion.format.PayloadRejectedException.Reason.UNKNOWN_VALUE;

import dev.tessera.core.model.Attributes;
import dev.tessera.core.model.Interaction;
import dev.tessera.core.model.Interaction.Score;
import dev.tessera.core.model.Interaction.ScoreType;
import dev.tessera.core.model.InteractionKind;
import dev.tessera.core.model.SourceRecordId;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;

/**
 * Zendesk, Freshdesk and Intercom. Ticket payloads name their requester by id only, so their items carry
 * interactions without a record; the user/contact formats of the same source fill in the person under the
 * same source id.
 */
final class SupportFormats {

    static final String SUPPORT = "support";
    private static final Set<String> ZENDESK_STATUS = Set.of("new", "open", "pending", "hold", "solved", "closed", "deleted");
    private static final Set<String> ZENDESK_TYPES = Set.of("problem", "incident", "question", "task");

    private SupportFormats() {}

    /** A page ({@code {"tickets": [...]}}), a single resource ({@code {"ticket": {...}}}) or a bare object. */
    static JsonNode elements(JsonNode root, String plural, String singular) {
        if (root.path(plural).isArray()) {
            return root.path(plural);
        }
        if (root.isArray()) {
            return root;
        }
        JsonNode one = root.path(singular).isObject() ? root.path(singular) : root;
        return Json.MAPPER.createArrayNode().add(Json.requireObject(one, "the " + singular));
    }

    /** The ticket's kind: a {@code complaint} tag wins over the vendor's type (which has no complaint). */
    static String ticketType(Optional<String> type, JsonNode tags) {
        for (JsonNode tag : tags) {
            if ("complaint".equalsIgnoreCase(tag.asString(""))) {
                return "complaint";
            }
        }
        return type.map(t -> t.toLowerCase(Locale.ROOT).replace(' ', '_')).orElse(null);
    }

    static String tags(JsonNode tags) {
        TreeSet<String> all = new TreeSet<>();
        tags.forEach(tag -> {
            if (tag.isString() && !tag.asString().isBlank()) {
                all.add(tag.asString().strip());
            }
        });
        return String.join(",", all);
    }

    static Interaction ticketEvent(SourceRecordId requester, String ticket, InteractionKind kind, String step,
            String channel, Instant at, Map<String, String> attributes) {
        return Events.of(Events.id(requester, "ticket", ticket, step), requester, kind, channel, SUPPORT, at, null, null,
                attributes);
    }

    static String zendeskChannel(String via) {
        return switch (via) {
            case "voice" -> "phone";
            case "web", "web_form", "web_widget", "help_center" -> "web";
            case "chat", "native_messaging", "messaging" -> "chat";
            case "facebook", "twitter", "instagram_dm", "whatsapp" -> "social";
            default -> via;
        };
    }

    /**
     * Zendesk CSAT is {@code good}/{@code bad}: good is 5 and bad is 1, the ends of the CSAT scale.
     * Offered-but-unanswered ratings are no answer and give no score.
     */
    static Optional<Score> zendeskCsat(JsonNode rating, String path) {
        String score = text(rating, "score").orElse("unoffered");
        if (score.startsWith("good")) {
            return Optional.of(new Score(ScoreType.CSAT, 5));
        }
        if (score.startsWith("bad")) {
            return Optional.of(new Score(ScoreType.CSAT, 1));
        }
        if (Set.of("offered", "unoffered", "received", "received_with_comment", "received_without_comment").contains(score)) {
            return Optional.empty();
        }
        throw new PayloadRejectedException(UNKNOWN_VALUE, "'" + path + "score' is not a Zendesk satisfaction score");
    }

    static Interaction csatInteraction(SourceRecordId requester, String ticket, Score score, Instant at, JsonNode rating) {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put(Interaction.TICKET_ID, ticket);
        attributes.put("rating", text(rating, "id").orElse(null));
        attributes.put("reason", text(rating, "reason").orElse(null));
        attributes.put("comment", text(rating, "comment").orElse(null));
        // one current rating per ticket: a changed rating updates the same interaction
        return Events.of(Events.id(requester, "csat", "ticket", ticket), requester, InteractionKind.SURVEY_RESPONSE,
                null, SUPPORT, at, null, score, attributes);
    }

    /** {@code zendesk-ticket}: TICKET_OPENED, TICKET_SOLVED when solved or closed, and the embedded CSAT. */
    static final class ZendeskTicket extends JsonFormat {

        ZendeskTicket(FormatOptions options) {
            super("zendesk-ticket", options);
        }

        @Override
        MappedPayload map(SourcePayload payload, JsonNode root) {
            return pageOrOne(root, "tickets", "ticket", ticket -> List.of(ticket(payload, ticket)));
        }

        private MappedItem ticket(SourcePayload payload, JsonNode ticket) {
            String id = Json.requireId(ticket, "id");
            SourceRecordId requester = Person.recordId(payload.source(), Json.requireId(ticket, "requester_id"), "requester_id");
            Instant createdAt = Json.requireInstant(ticket, "created_at");
            Instant updatedAt = instant(ticket, "updated_at").orElse(createdAt);
            String status = text(ticket, "status").orElse("new");
            if (!ZENDESK_STATUS.contains(status)) {
                throw new PayloadRejectedException(UNKNOWN_VALUE, "'status' is not a Zendesk ticket status");
            }
            Optional<String> type = text(ticket, "type");
            if (type.isPresent() && !ZENDESK_TYPES.contains(type.get())) {
                throw new PayloadRejectedException(UNKNOWN_VALUE, "'type' is not a Zendesk ticket type");
            }
            String channel = text(ticket, "via.channel").map(c -> zendeskChannel(c.toLowerCase(Locale.ROOT))).orElse(null);
            Map<String, String> attributes = new LinkedHashMap<>();
            attributes.put(Interaction.TICKET_ID, id);
            attributes.put("type", ticketType(type, ticket.path("tags")));
            attributes.put("priority", text(ticket, "priority").orElse(null));
            attributes.put("tags", tags(ticket.path("tags")));

            List<Interaction> interactions = new ArrayList<>();
            if (status.equals("deleted")) {
                // A deleted ticket (spam, a mistake) is no ticket: its steps are replaced under their keys by events
                // that count in no ticket metric, so one stored while it was open does not stay open for ever
                Map<String, String> deleted = new LinkedHashMap<>(attributes);
                deleted.put("event", "ticket_deleted");
                List<String> steps = new ArrayList<>(List.of("opened", "replied", "solved"));
                for (int n = 1; n <= Math.min(ticket.path("metric_set").path("reopens").asInt(0), 100); n++) {
                    steps.add("reopened:" + n); // a reopening stored before would keep it open
                }
                for (String step : steps) {
                    // dated when the ticket was opened: a deletion is no activity of the customer's
                    interactions.add(Events.of(Events.id(requester, "ticket", id, step), requester, InteractionKind.CUSTOM,
                            channel, SUPPORT, createdAt, null, null, deleted));
                }
                return new MappedItem(null, interactions);
            }
            interactions.add(ticketEvent(requester, id, InteractionKind.TICKET_OPENED, "opened", channel, createdAt, attributes));
            zendeskFirstReply(ticket, createdAt).ifPresent(repliedAt -> interactions.add(
                    ticketEvent(requester, id, InteractionKind.TICKET_REPLIED, "replied", channel, repliedAt, attributes)));
            JsonNode metrics = ticket.path("metric_set");
            if (status.equals("solved") || status.equals("closed")) {
                // The ticket API has no solve time; trigger templates and metric side-loads do. Without them the
                // last update is the estimate, which later updates (a rating, the automatic close) move on
                Optional<Instant> known = instant(ticket, "solved_at").or(() -> instant(ticket, "metric_set.solved_at"));
                Map<String, String> solved = attributes;
                if (known.isEmpty()) {
                    solved = new LinkedHashMap<>(attributes);
                    solved.put("solved_at", "estimated");
                }
                interactions.add(ticketEvent(requester, id, InteractionKind.TICKET_SOLVED, "solved", channel,
                        known.orElse(updatedAt), solved));
            } else if (metrics.path("reopens").asInt(0) > 0) {
                // solved before and open again: opened again when its status last changed, so a solve stored
                // from an earlier delivery no longer closes it (one event per reopening, by its count)
                Instant reopenedAt = instant(ticket, "metric_set.status_updated_at").orElse(updatedAt);
                interactions.add(ticketEvent(requester, id, InteractionKind.TICKET_OPENED,
                        "reopened:" + metrics.path("reopens").asInt(), channel, reopenedAt, attributes));
            }
            JsonNode rating = ticket.path("satisfaction_rating");
            if (rating.isObject()) {
                Optional<Score> score = zendeskCsat(rating, "satisfaction_rating.");
                Instant ratedAt = instant(rating, "updated_at").or(() -> instant(rating, "created_at")).orElse(updatedAt);
                score.ifPresent(s -> interactions.add(csatInteraction(requester, id, s, ratedAt, rating)));
            }
            return new MappedItem(null, interactions);
        }
    }

    /**
     * The first agent reply of a Zendesk ticket: the ticket API has no reply time, its metrics side-load
     * ({@code ?include=metric_sets}, or the ticket metrics API's fields in {@code metric_set}) has the
     * minutes from creation to it, in calendar time ({@code reply_time_in_minutes.calendar}; business
     * minutes would move the reply in time). Absent or null: no reply yet.
     */
    static Optional<Instant> zendeskFirstReply(JsonNode ticket, Instant createdAt) {
        String path = "metric_set.reply_time_in_minutes.calendar";
        return decimal(ticket, path).map(minutes -> {
            if (minutes.signum() < 0 || minutes.stripTrailingZeros().scale() > 0
                    || minutes.compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) > 0) {
                throw new PayloadRejectedException(INVALID_VALUE, "'" + path + "' is not a number of minutes");
            }
            return createdAt.plus(Duration.ofMinutes(minutes.longValue()));
        });
    }

    /** {@code zendesk-satisfaction-rating}: a SURVEY_RESPONSE with a CSAT score per answered rating. */
    static final class ZendeskSatisfaction extends JsonFormat {

        ZendeskSatisfaction(FormatOptions options) {
            super("zendesk-satisfaction-rating", options);
        }

        @Override
        MappedPayload map(SourcePayload payload, JsonNode root) {
            return pageOrOne(root, "satisfaction_ratings", "satisfaction_rating", rating -> {
                String ticket = Json.requireId(rating, "ticket_id");
                SourceRecordId requester = Person.recordId(payload.source(), Json.requireId(rating, "requester_id"), "requester_id");
                Instant at = instant(rating, "updated_at").orElseGet(() -> Json.requireInstant(rating, "created_at"));
                return zendeskCsat(rating, "").map(score -> List.of(new MappedItem(null,
                        List.of(csatInteraction(requester, ticket, score, at, rating))))).orElse(List.of());
            });
        }
    }

    /** {@code zendesk-user}: a record per user, with the emails and phones of the side-loaded identities. */
    static final class ZendeskUser extends JsonFormat {

        ZendeskUser(FormatOptions options) {
            super("zendesk-user", options);
        }

        @Override
        MappedPayload map(SourcePayload payload, JsonNode root) {
            Map<String, List<JsonNode>> identities = new HashMap<>();
            for (JsonNode identity : root.path("identities")) {
                text(identity, "user_id").ifPresent(user -> identities.computeIfAbsent(user, u -> new ArrayList<>()).add(identity));
            }
            return pageOrOne(root, "users", "user", user -> {
                String id = Json.requireId(user, "id");
                Instant observedAt = instant(user, "updated_at").or(() -> instant(user, "created_at")).orElse(payload.receivedAt());
                Person person = new Person(Person.recordId(payload.source(), id, "id"), observedAt, phones)
                        .email(text(user, "email"))
                        .phone(text(user, "phone"), Optional.empty())
                        .fullName(text(user, "name"))
                        .attribute("external_id", text(user, "external_id"))
                        .attribute("role", text(user, "role"))
                        .attribute("locale", text(user, "locale"))
                        .attribute("time_zone", text(user, "iana_time_zone").or(() -> text(user, "time_zone")))
                        .attribute("organization", text(user, "organization_id"));
                for (JsonNode identity : identities.getOrDefault(id, List.of())) {
                    switch (text(identity, "type").orElse("")) {
                        case "email" -> person.email(text(identity, "value"));
                        case "phone_number" -> person.phone(text(identity, "value"), Optional.empty());
                        default -> { } // twitter, facebook, google, agent_forwarding: no canonical identifier
                    }
                }
                return List.of(new MappedItem(person.record(), List.of()));
            }, user -> {
                // a rejected user is kept with its own side-loaded identities, so a replay still has them
                tools.jackson.databind.node.ObjectNode kept = Json.MAPPER.createObjectNode();
                kept.set("user", user);
                tools.jackson.databind.node.ArrayNode own = kept.putArray("identities");
                text(user, "id").ifPresent(id -> identities.getOrDefault(id, List.of()).forEach(own::add));
                return Json.write(kept);
            });
        }
    }

    static String freshdeskChannel(JsonNode ticket) {
        Optional<String> code = text(ticket, "source");
        if (code.isEmpty()) {
            return null;
        }
        return switch (code.get()) {
            case "1", "10" -> "email";
            case "2", "4", "9" -> "web";
            case "3" -> "phone";
            case "5", "6" -> "social";
            case "7" -> "chat";
            case "8" -> "app";
            default -> throw new PayloadRejectedException(UNKNOWN_VALUE, "'source' is not a Freshdesk ticket source code");
        };
    }

    static Person freshdeskPerson(String source, JsonNode contact, Instant observedAt, Phones phones) {
        return new Person(Person.recordId(source, Json.requireId(contact, "id"), "id"), observedAt, phones)
                .email(text(contact, "email"))
                .phone(text(contact, "mobile"), Optional.empty())
                .phone(text(contact, "phone"), Optional.empty())
                .fullName(text(contact, "name"));
    }

    /** {@code freshdesk-ticket}: TICKET_OPENED, TICKET_REPLIED (first agent response), TICKET_SOLVED (resolved or closed). */
    static final class FreshdeskTicket extends JsonFormat {

        FreshdeskTicket(FormatOptions options) {
            super("freshdesk-ticket", options);
        }

        @Override
        MappedPayload map(SourcePayload payload, JsonNode root) {
            return pageOrOne(root, "tickets", "ticket", ticket -> ticket(payload, ticket));
        }

        private List<MappedItem> ticket(SourcePayload payload, JsonNode ticket) {
            String id = Json.requireId(ticket, "id");
            SourceRecordId requester = Person.recordId(payload.source(), Json.requireId(ticket, "requester_id"), "requester_id");
            Instant createdAt = Json.requireInstant(ticket, "created_at");
            String channel = freshdeskChannel(ticket);
            Optional<String> status = text(ticket, "status");
            if (status.isPresent() && !status.get().matches("\\d{1,4}")) {
                throw new PayloadRejectedException(INVALID_VALUE, "'status' is not a Freshdesk status code");
            }
            Map<String, String> attributes = new LinkedHashMap<>();
            attributes.put(Interaction.TICKET_ID, id);
            attributes.put("type", ticketType(text(ticket, "type"), ticket.path("tags")));
            attributes.put("priority", text(ticket, "priority").orElse(null));
            attributes.put("status", status.orElse(null));
            attributes.put("tags", tags(ticket.path("tags")));

            List<Interaction> interactions = new ArrayList<>();
            interactions.add(ticketEvent(requester, id, InteractionKind.TICKET_OPENED, "opened", channel, createdAt, attributes));
            instant(ticket, "stats.first_responded_at").ifPresent(at -> interactions.add(
                    ticketEvent(requester, id, InteractionKind.TICKET_REPLIED, "replied", channel, at, attributes)));
            // stats keep the last resolve time after a reopening: only a resolved (4) or closed (5) ticket is
            // solved; a reopening opens it again at its time (a later resolve closes it again)
            instant(ticket, "stats.reopened_at").ifPresent(at -> interactions.add(ticketEvent(requester, id,
                    InteractionKind.TICKET_OPENED, "reopened:" + at.toEpochMilli(), channel, at, attributes)));
            if (status.isEmpty() || status.get().equals("4") || status.get().equals("5")) {
                instant(ticket, "stats.resolved_at").or(() -> instant(ticket, "stats.closed_at")).ifPresent(at -> interactions.add(
                        ticketEvent(requester, id, InteractionKind.TICKET_SOLVED, "solved", channel, at, attributes)));
            }

            // ?include=requester embeds the contact; it is a record of its own id.
            JsonNode embedded = ticket.path("requester");
            if (embedded.isObject() && text(embedded, "id").isPresent()) {
                Person person = freshdeskPerson(payload.source(), embedded, instant(ticket, "updated_at").orElse(createdAt), phones);
                if (person.id().equals(requester)) {
                    return List.of(new MappedItem(person.record(), interactions));
                }
                return List.of(new MappedItem(person.record(), List.of()), new MappedItem(null, interactions));
            }
            return List.of(new MappedItem(null, interactions));
        }
    }

    /**
     * {@code freshdesk-conversation}: the conversations of one ticket ({@code GET /tickets/{id}/conversations}).
     * The first public agent reply ({@code incoming: false}, not private) is TICKET_REPLIED, with the same id
     * as the one the ticket's {@code stats.first_responded_at} gives. Conversations name the requester only
     * in incoming messages; a poller that knows the ticket's requester passes it in {@link #REQUESTER_HEADER}.
     */
    static final class FreshdeskConversation extends JsonFormat {

        static final String REQUESTER_HEADER = "X-Tessera-Requester-Id";

        FreshdeskConversation(FormatOptions options) {
            super("freshdesk-conversation", options);
        }

        @Override
        MappedPayload map(SourcePayload payload, JsonNode root) {
            JsonNode conversations = elements(root, "conversations", "conversation");
            JsonNode firstReply = null;
            Instant firstReplyAt = null;
            Optional<String> requester = Optional.empty();
            int index = 0;
            for (JsonNode conversation : conversations) {
                String path = "[" + index++ + "].";
                Instant at = instant(conversation, "created_at").orElseThrow(() -> new PayloadRejectedException(
                        PayloadRejectedException.Reason.MALFORMED, "'" + path + "created_at' is absent"));
                if (Json.bool(conversation, "incoming")) {
                    requester = requester.or(() -> text(conversation, "user_id"));
                } else if (!Json.bool(conversation, "private") && (firstReplyAt == null || at.isBefore(firstReplyAt))) {
                    firstReply = conversation;
                    firstReplyAt = at;
                }
            }
            if (firstReply == null) {
                return new MappedPayload(List.of(), List.of());
            }
            String ticket = Json.requireId(firstReply, "ticket_id");
            String requesterId = requester.or(() -> payload.header(REQUESTER_HEADER)).orElse(null);
            if (requesterId == null) {
                throw new PayloadRejectedException(MISSING_IDENTIFIER,
                        "missing identifier: no incoming conversation 'user_id' and no " + REQUESTER_HEADER + " header");
            }
            SourceRecordId record = Person.recordId(payload.source(), requesterId, "user_id");
            Map<String, String> attributes = new LinkedHashMap<>();
            attributes.put(Interaction.TICKET_ID, ticket);
            attributes.put("conversation", text(firstReply, "id").orElse(null));
            return MappedPayload.of(new MappedItem(null, List.of(ticketEvent(record, ticket, InteractionKind.TICKET_REPLIED,
                    "replied", null, firstReplyAt, attributes))));
        }
    }

    /** {@code freshdesk-contact}: the contact record. */
    static final class FreshdeskContact extends JsonFormat {

        FreshdeskContact(FormatOptions options) {
            super("freshdesk-contact", options);
        }

        @Override
        MappedPayload map(SourcePayload payload, JsonNode root) {
            return pageOrOne(root, "contacts", "contact", contact -> {
                Instant observedAt = instant(contact, "updated_at").or(() -> instant(contact, "created_at")).orElse(payload.receivedAt());
                Person person = freshdeskPerson(payload.source(), contact, observedAt, phones)
                        .attribute("external_id", text(contact, "external_id"))
                        .attribute("job_title", text(contact, "job_title"))
                        .attribute("language", text(contact, "language"))
                        .attribute("time_zone", text(contact, "time_zone"))
                        .attribute("company", text(contact, "company_id"))
                        .attribute("twitter_id", text(contact, "twitter_id"))
                        .attribute(Attributes.STREET, text(contact, "address"));
                return List.of(new MappedItem(person.record(), List.of()));
            });
        }
    }

    /**
     * {@code intercom-conversation}: a conversation webhook ({@code notification_event}): the user's record,
     * TICKET_OPENED, TICKET_REPLIED at the first admin comment, TICKET_SOLVED when an admin closed it.
     */
    static final class IntercomConversation extends JsonFormat {

        IntercomConversation(FormatOptions options) {
            super("intercom-conversation", options);
        }

        @Override
        MappedPayload map(SourcePayload payload, JsonNode root) {
            String topic = Json.require(root, "topic");
            if (!topic.startsWith("conversation.")) {
                throw new PayloadRejectedException(UNKNOWN_VALUE, "'topic' is not a conversation topic");
            }
            JsonNode item = Json.requireObject(root.path("data").path("item"), "'data.item'");
            String id = Json.requireId(item, "id");
            Instant createdAt = epoch(item, "created_at").orElseThrow(() -> new PayloadRejectedException(
                    PayloadRejectedException.Reason.MALFORMED, "'data.item.created_at' is absent"));
            Instant updatedAt = epoch(item, "updated_at").orElse(createdAt);

            // API versions before 2.0 embed the user; later ones list contacts
            JsonNode user = item.path("user").isObject() ? item.path("user") : item.path("contacts").path("contacts").path(0);
            Person person = new Person(Person.recordId(payload.source(), Json.requireId(user, "id"), "data.item.user.id"),
                    updatedAt, phones)
                    .email(text(user, "email"))
                    .fullName(text(user, "name"))
                    .attribute("user_id", text(user, "user_id").or(() -> text(user, "external_id")));
            SourceRecordId record = person.id();

            Map<String, String> attributes = new LinkedHashMap<>();
            attributes.put(Interaction.TICKET_ID, id); // the conversation is Intercom's ticket
            attributes.put("conversation", id);
            attributes.put("assignee", text(item, "assignee.id").orElse(null));
            JsonNode tags = intercomTagNames(item.path("tags").path("tags"));
            attributes.put("type", ticketType(Optional.empty(), tags));
            attributes.put("tags", tags(tags));
            List<Interaction> interactions = new ArrayList<>();
            interactions.add(conversationEvent(record, id, InteractionKind.TICKET_OPENED, "opened", createdAt, attributes));
            Instant firstAdminReply = null;
            Instant closedAt = null;
            for (JsonNode part : item.path("conversation_parts").path("conversation_parts")) {
                boolean byAdmin = "admin".equals(text(part, "author.type").orElse(""));
                Optional<Instant> at = epoch(part, "created_at");
                String kind = text(part, "part_type").orElse("");
                if (byAdmin && at.isPresent() && kind.equals("comment") && (firstAdminReply == null || at.get().isBefore(firstAdminReply))) {
                    firstAdminReply = at.get();
                }
                if (kind.equals("close") && at.isPresent()) {
                    closedAt = at.get();
                }
                if (kind.equals("open") && at.isPresent()) {
                    // reopened by a teammate: open again from then (a solve stored before no longer closes it)
                    interactions.add(conversationEvent(record, id, InteractionKind.TICKET_OPENED,
                            "reopened:" + at.get().toEpochMilli(), at.get(), attributes));
                }
            }
            // a webhook carries the parts of its own event only: the conversation's statistics (API 2.x)
            // know the first admin reply also when the part is not in this payload
            Optional<Instant> statedReply = epoch(item, "statistics.first_admin_reply_at");
            if (statedReply.isPresent() && (firstAdminReply == null || statedReply.get().isBefore(firstAdminReply))) {
                firstAdminReply = statedReply.get();
            }
            if (firstAdminReply != null) {
                interactions.add(conversationEvent(record, id, InteractionKind.TICKET_REPLIED, "replied", firstAdminReply, attributes));
            }
            if (topic.equals("conversation.admin.closed") || "closed".equals(text(item, "state").orElse(""))) {
                interactions.add(conversationEvent(record, id, InteractionKind.TICKET_SOLVED, "solved",
                        closedAt != null ? closedAt : updatedAt, attributes));
            }
            rating(record, id, item.path("conversation_rating"), updatedAt).ifPresent(interactions::add);
            return MappedPayload.of(new MappedItem(person.record(), interactions));
        }

        /** Tag objects ({@code {"type": "tag", "name": "complaint"}}) as the names {@link #tags} reads. */
        private static JsonNode intercomTagNames(JsonNode tags) {
            tools.jackson.databind.node.ArrayNode names = Json.MAPPER.createArrayNode();
            tags.forEach(tag -> text(tag, "name").ifPresent(names::add));
            return names;
        }

        /**
         * The customer's conversation rating, Intercom's CSAT: 1 to 5, the CSAT scale itself. One current
         * rating per conversation (a changed rating updates it), at the rating's update time, else the
         * time it was requested, else the conversation's. No rating yet: nothing; outside 1-5: rejected.
         */
        private static Optional<Interaction> rating(SourceRecordId record, String conversation, JsonNode rating,
                Instant updatedAt) {
            Optional<BigDecimal> value = decimal(rating, "rating");
            if (value.isEmpty()) {
                return Optional.empty();
            }
            BigDecimal v = value.get();
            if (v.stripTrailingZeros().scale() > 0 || v.compareTo(BigDecimal.ONE) < 0 || v.compareTo(BigDecimal.valueOf(5)) > 0) {
                throw new PayloadRejectedException(INVALID_VALUE, "'data.item.conversation_rating.rating' is not a rating from 1 to 5");
            }
            Instant at = epoch(rating, "updated_at").or(() -> epoch(rating, "created_at")).orElse(updatedAt);
            Map<String, String> attributes = new LinkedHashMap<>();
            attributes.put(Interaction.TICKET_ID, conversation);
            attributes.put("conversation", conversation);
            attributes.put("remark", text(rating, "remark").orElse(null));
            attributes.put("teammate", text(rating, "teammate.id").orElse(null));
            return Optional.of(Events.of(Events.id(record, "csat", "conversation", conversation), record,
                    InteractionKind.SURVEY_RESPONSE, "chat", SUPPORT, at, null, new Score(ScoreType.CSAT, v.intValue()),
                    attributes));
        }

        private static Interaction conversationEvent(SourceRecordId record, String id, InteractionKind kind, String step,
                Instant at, Map<String, String> attributes) {
            return Events.of(Events.id(record, "conversation", id, step), record, kind, "chat", SUPPORT, at, null, null, attributes);
        }
    }
}
