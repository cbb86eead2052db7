package dev.tessera.ingestion.format;

import static dev.tessera.core.model.InteractionKind.SURVEY_RESPONSE;
import static dev.tessera.core.model.InteractionKind.TICKET_OPENED;
import static dev.tessera.core.model.InteractionKind.TICKET_REPLIED;
import static dev.tessera.core.model.InteractionKind.TICKET_SOLVED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.Interaction;
import dev.tessera.core.model.Interaction.Score;
import dev.tessera.core.model.Interaction.ScoreType;
import dev.tessera.ingestion.format.PayloadRejectedException.Reason;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

class SupportFormatsTest {

    private final VendorFormats formats = VendorFormats.withDefaults();

    static Interaction kind(List<Interaction> interactions, dev.tessera.core.model.InteractionKind kind) {
        return interactions.stream().filter(i -> i.kind() == kind).findFirst().orElseThrow();
    }

    @Test
    void zendeskTicketPageGivesOpenedWithChannelTypeAndTheEmbeddedCsat() {
        MappedPayload mapped = formats.byName("zendesk-ticket")
                .map(Samples.payload("zendesk", "support/zendesk_tickets_incremental_airbyte_fixture.json"));

        assertThat(mapped.rejections()).isEmpty();
        MappedItem item = mapped.items().get(0);
        assertThat(item.record()).isNull();
        assertThat(item.interactions()).extracting(Interaction::kind).containsExactly(TICKET_OPENED, SURVEY_RESPONSE);
        Interaction opened = item.interactions().get(0);
        assertThat(opened.id()).isEqualTo("zendesk:ticket:35436:opened");
        assertThat(opened.record().key()).isEqualTo("zendesk:20978392");
        assertThat(opened.occurredAt()).isEqualTo(Instant.parse("2009-07-20T22:55:29Z"));
        assertThat(opened.channel()).isEqualTo("web");
        assertThat(opened.touchpoint()).isEqualTo("support");
        assertThat(opened.attributes()).containsEntry(Interaction.TICKET_ID, "35436").containsEntry("type", "incident")
                .containsEntry("priority", "high");
        Interaction csat = item.interactions().get(1);
        assertThat(csat.id()).isEqualTo("zendesk:csat:ticket:35436");
        assertThat(csat.score()).isEqualTo(new Score(ScoreType.CSAT, 5));
    }

    @Test
    void solvedZendeskTicketAddsTicketSolvedAndAComplaintTagSetsTheType() {
        ObjectNode page = Samples.object("support/zendesk_tickets_incremental_airbyte_fixture.json");
        ObjectNode ticket = (ObjectNode) page.path("tickets").get(0);
        ticket.put("status", "solved");
        ((ArrayNode) ticket.path("tags")).add("complaint");
        ((ObjectNode) ticket.path("via")).put("channel", "voice");

        List<Interaction> interactions = formats.byName("zendesk-ticket").map(Samples.payload("zendesk", page))
                .items().get(0).interactions();

        Interaction solved = kind(interactions, TICKET_SOLVED);
        assertThat(solved.id()).isEqualTo("zendesk:ticket:35436:solved");
        assertThat(solved.occurredAt()).isEqualTo(Instant.parse("2011-05-05T10:38:52Z"));
        assertThat(solved.channel()).isEqualTo("phone");
        assertThat(solved.attributes()).containsEntry("type", "complaint")
                .containsEntry("solved_at", "estimated"); // no metric side-load: its last update is the estimate
    }

    @Test
    void aZendeskSolveTimeFromTheMetricSideLoadIsNoEstimateAndAReopenedTicketIsOpenedAgain() {
        ObjectNode page = Samples.object("support/zendesk_tickets_incremental_airbyte_fixture.json");
        ObjectNode ticket = (ObjectNode) page.path("tickets").get(0);
        ticket.put("status", "solved");
        ticket.set("metric_set", Json.MAPPER.readTree("{\"solved_at\": \"2011-05-01T08:00:00Z\", \"reopens\": 0}"));
        Interaction solved = kind(formats.byName("zendesk-ticket").map(Samples.payload("zendesk", page))
                .items().get(0).interactions(), TICKET_SOLVED);
        assertThat(solved.occurredAt()).isEqualTo(Instant.parse("2011-05-01T08:00:00Z"));
        assertThat(solved.attributes()).doesNotContainKey("solved_at");

        // open again after that solve: a reopening dated by its status change, one per reopening
        ticket.put("status", "open");
        ticket.set("metric_set", Json.MAPPER.readTree(
                "{\"solved_at\": \"2011-05-01T08:00:00Z\", \"reopens\": 1, \"status_updated_at\": \"2011-05-03T09:00:00Z\"}"));
        List<Interaction> reopened = formats.byName("zendesk-ticket").map(Samples.payload("zendesk", page)).items().get(0)
                .interactions();
        assertThat(reopened).noneMatch(i -> i.kind() == TICKET_SOLVED);
        assertThat(reopened).filteredOn(i -> i.kind() == TICKET_OPENED).extracting(Interaction::id, Interaction::occurredAt)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("zendesk:ticket:35436:opened", Instant.parse("2009-07-20T22:55:29Z")),
                        org.assertj.core.groups.Tuple.tuple("zendesk:ticket:35436:reopened:1", Instant.parse("2011-05-03T09:00:00Z")));
    }

    @Test
    void aDeletedZendeskTicketReplacesItsStepsWithEventsThatCountInNoTicketMetric() {
        ObjectNode page = Samples.object("support/zendesk_tickets_incremental_airbyte_fixture.json");
        ObjectNode ticket = (ObjectNode) page.path("tickets").get(0);
        ticket.put("status", "deleted");
        ticket.set("metric_set", Json.MAPPER.readTree("{\"reopens\": 2}")); // reopened twice before

        List<Interaction> deleted = formats.byName("zendesk-ticket").map(Samples.payload("zendesk", page)).items().get(0)
                .interactions();

        assertThat(deleted).extracting(Interaction::id).containsExactly("zendesk:ticket:35436:opened",
                "zendesk:ticket:35436:replied", "zendesk:ticket:35436:solved", "zendesk:ticket:35436:reopened:1",
                "zendesk:ticket:35436:reopened:2");
        assertThat(deleted).allSatisfy(i -> {
            assertThat(i.kind()).isEqualTo(dev.tessera.core.model.InteractionKind.CUSTOM);
            assertThat(i.attributes()).containsEntry("event", "ticket_deleted");
            // dated at its opening: deleting spam today is no activity of the customer's today
            assertThat(i.occurredAt()).isEqualTo(Instant.parse("2009-07-20T22:55:29Z"));
        });
    }

    @Test
    void aTicketWithAnUnknownStatusIsRejectedAloneAndTheOthersAreKept() {
        ObjectNode page = Samples.object("support/zendesk_tickets_incremental_airbyte_fixture.json");
        ArrayNode tickets = (ArrayNode) page.path("tickets");
        ObjectNode bad = (ObjectNode) tickets.get(0).deepCopy();
        bad.put("id", 35437);
        bad.put("status", "exploded");
        tickets.add(bad);

        MappedPayload mapped = formats.byName("zendesk-ticket").map(Samples.payload("zendesk", page));

        assertThat(mapped.items()).hasSize(1);
        assertThat(mapped.rejections()).singleElement().satisfies(r -> {
            assertThat(r.reason()).isEqualTo(Reason.UNKNOWN_VALUE);
            assertThat(r.message()).contains("'status'").doesNotContain("exploded");
            assertThat(r.item()).contains("35437");
        });
    }

    @Test
    void zendeskSatisfactionRatingGoodIsCsatFiveAndBadIsOne() {
        MappedPayload mapped = formats.byName("zendesk-satisfaction-rating")
                .map(Samples.payload("zendesk", "support/zendesk_satisfaction_ratings_airbyte_fixture.json"));

        Interaction rating = mapped.interactions().findFirst().orElseThrow();
        assertThat(rating.kind()).isEqualTo(SURVEY_RESPONSE);
        assertThat(rating.id()).isEqualTo("zendesk:csat:ticket:35436");
        assertThat(rating.record().key()).isEqualTo("zendesk:20978392");
        assertThat(rating.score()).isEqualTo(new Score(ScoreType.CSAT, 5));
        assertThat(rating.touchpoint()).isEqualTo("support");
        assertThat(rating.occurredAt()).isEqualTo(Instant.parse("2011-05-05T10:38:52Z"));
        assertThat(rating.attributes()).containsEntry(Interaction.TICKET_ID, "35436").containsEntry("reason", "The issue was resolved quickly");

        ObjectNode page = Samples.object("support/zendesk_satisfaction_ratings_airbyte_fixture.json");
        ((ObjectNode) page.path("satisfaction_ratings").get(0)).put("score", "bad");
        assertThat(formats.byName("zendesk-satisfaction-rating").map(Samples.payload("zendesk", page))
                .interactions().findFirst().orElseThrow().score()).isEqualTo(new Score(ScoreType.CSAT, 1));

        ((ObjectNode) page.path("satisfaction_ratings").get(0)).put("score", "offered");
        MappedPayload offered = formats.byName("zendesk-satisfaction-rating").map(Samples.payload("zendesk", page));
        assertThat(offered.items()).isEmpty();
        assertThat(offered.rejections()).isEmpty();
    }

    @Test
    void zendeskUsersTakeTheSideLoadedIdentities() {
        MappedPayload mapped = formats.byName("zendesk-user")
                .map(Samples.payload("zendesk", "support/zendesk_users_incremental_airbyte_fixture.json"));

        CustomerRecord amber = mapped.items().get(0).record();
        assertThat(amber.id().key()).isEqualTo("zendesk:6128164851599");
        assertThat(ShopFormatsTest.ids(amber)).isEqualTo("[EMAIL=integration-test+amberblanchard@airbyte.io]");
        assertThat(amber.observedAt()).isEqualTo(Instant.parse("2023-02-01T07:41:46Z"));
        assertThat(amber.attributes()).containsEntry("name", "AmberBlanchard").containsEntry("role", "end-user")
                .containsEntry("time_zone", "Pacific/Noumea").containsEntry("locale", "en-US");
    }

    @Test
    void aRejectedZendeskUserIsKeptWithItsOwnSideLoadedIdentitiesSoItsReplayHasThem() {
        String page = """
                {"users": [{"id": 1, "name": "Ann Lee", "updated_at": "2024-05-01T10:00:00Z"},
                           {"id": 2, "name": "Bo Kim", "updated_at": "yesterday"}],
                 "identities": [{"user_id": 1, "type": "email", "value": "ann@example.com"},
                                {"user_id": 2, "type": "email", "value": "bo@example.com"},
                                {"user_id": 2, "type": "phone_number", "value": "+44 7700 900123"},
                                {"user_id": 2, "type": "twitter", "value": "bokim"}]}""";
        VendorFormat format = formats.byName("zendesk-user");

        MappedPayload mapped = format.map(Samples.payload("zd", page, true));

        assertThat(mapped.items()).extracting(i -> i.record().id().key()).containsExactly("zd:1");
        String kept = mapped.rejections().get(0).item();
        assertThat(kept).contains("bo@example.com", "+44 7700 900123", "bokim").doesNotContain("ann@example.com");
        // replayed once what rejected it is mended (here: the time), the record has its identities again
        MappedPayload replayed = format.map(Samples.payload("zd", kept.replace("yesterday", "2024-05-02T10:00:00Z"), true));
        CustomerRecord bo = replayed.items().get(0).record();
        assertThat(bo.id().key()).isEqualTo("zd:2");
        assertThat(ShopFormatsTest.ids(bo)).contains("EMAIL=bo@example.com", "PHONE=+447700900123");
    }

    @Test
    void aFreshdeskTicketIsSolvedOnlyWhenResolvedOrClosedAndAReopeningOpensItAgain() {
        // as the sample is: open (2), with the resolve time of an earlier resolution in its stats
        List<Interaction> open = formats.byName("freshdesk-ticket").map(Samples.payload("fd", "support/freshdesk_v2_ticket.json"))
                .interactions().toList();
        assertThat(open).extracting(Interaction::kind).containsExactly(TICKET_OPENED, TICKET_REPLIED);

        ObjectNode reopened = Samples.object("support/freshdesk_v2_ticket.json");
        ((ObjectNode) reopened.path("stats")).put("reopened_at", "2020-08-01T09:00:00Z");
        List<Interaction> again = formats.byName("freshdesk-ticket").map(Samples.payload("fd", reopened)).interactions().toList();
        assertThat(again).extracting(Interaction::kind).containsExactly(TICKET_OPENED, TICKET_REPLIED, TICKET_OPENED);
        assertThat(again.get(2).id()).isEqualTo("fd:ticket:1:reopened:" + Instant.parse("2020-08-01T09:00:00Z").toEpochMilli());
        assertThat(again.get(2).occurredAt()).isEqualTo(Instant.parse("2020-08-01T09:00:00Z"));
    }

    @Test
    void freshdeskTicketGivesOpenedFirstReplyAndSolvedAndTheEmbeddedRequester() {
        // the sample is open (status 2) with a resolve time from before: as resolved (4) it is solved
        ObjectNode resolved = Samples.object("support/freshdesk_v2_ticket.json");
        resolved.put("status", 4);
        MappedPayload mapped = formats.byName("freshdesk-ticket").map(Samples.payload("fd", resolved));

        // the sample's embedded requester has another id than requester_id: two records, nothing merged by guess
        assertThat(mapped.items()).hasSize(2);
        CustomerRecord embedded = mapped.items().get(0).record();
        assertThat(embedded.id().key()).isEqualTo("fd:43026449322");
        assertThat(ShopFormatsTest.ids(embedded)).isEqualTo("[EMAIL=dummyname@example.com]");
        List<Interaction> interactions = mapped.items().get(1).interactions();
        assertThat(interactions).extracting(Interaction::kind).containsExactly(TICKET_OPENED, TICKET_REPLIED, TICKET_SOLVED);
        assertThat(interactions).allSatisfy(i -> {
            assertThat(i.record().key()).isEqualTo("fd:6012691534");
            assertThat(i.channel()).isEqualTo("web");
            assertThat(i.attributes()).containsEntry(Interaction.TICKET_ID, "1").containsEntry("type", "question").containsEntry("status", "4");
        });
        assertThat(interactions).extracting(Interaction::id)
                .containsExactly("fd:ticket:1:opened", "fd:ticket:1:replied", "fd:ticket:1:solved");
        assertThat(interactions).extracting(Interaction::occurredAt).containsExactly(Instant.parse("2016-05-18T04:36:04Z"),
                Instant.parse("2020-06-17T20:23:43Z"), Instant.parse("2020-07-24T15:35:21Z"));
    }

    @Test
    void freshdeskUnknownSourceCodeIsRejectedNamingTheField() {
        ObjectNode ticket = Samples.object("support/freshdesk_v2_ticket.json");
        ticket.put("source", 99);

        assertThatThrownBy(() -> formats.byName("freshdesk-ticket").map(Samples.payload("fd", ticket)))
                .isInstanceOfSatisfying(PayloadRejectedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_VALUE))
                .hasMessageContaining("'source'");
    }

    @Test
    void freshdeskConversationsGiveTheFirstPublicAgentReplyForTheRequesterTheHeaderNames() {
        byte[] body = Samples.bytes("support/freshdesk_v2_ticket_conversations.json");
        SourcePayload payload = new SourcePayload("fd", body,
                Map.of("x-tessera-requester-id", "6012691534"), Samples.RECEIVED);

        Interaction replied = formats.byName("freshdesk-conversation").map(payload).interactions().findFirst().orElseThrow();

        assertThat(replied.kind()).isEqualTo(TICKET_REPLIED);
        // the private note (id 1) is not a reply; the same id as the ticket's first_responded_at gives
        assertThat(replied.id()).isEqualTo("fd:ticket:1:replied");
        assertThat(replied.occurredAt()).isEqualTo(Instant.parse("2016-05-19T05:36:14Z"));
        assertThat(replied.record().key()).isEqualTo("fd:6012691534");
        assertThat(replied.attributes()).containsEntry("conversation", "2");

        assertThatThrownBy(() -> formats.byName("freshdesk-conversation").map(SourcePayload.of("fd", body, Samples.RECEIVED)))
                .isInstanceOfSatisfying(PayloadRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.MISSING_IDENTIFIER));
    }

    @Test
    void freshdeskContact() {
        CustomerRecord rachel = formats.byName("freshdesk-contact").map(Samples.payload("fd", "support/freshdesk_v2_contact.json"))
                .items().get(0).record();

        assertThat(rachel.id().key()).isEqualTo("fd:1");
        assertThat(ShopFormatsTest.ids(rachel)).isEqualTo("[EMAIL=rachel@freshdesk.com]");
        assertThat(rachel.observedAt()).isEqualTo(Instant.parse("2014-12-31T02:27:09Z"));
        assertThat(rachel.attributes()).containsEntry("first_name", "Rachel").containsEntry("language", "en");
    }

    @Test
    void intercomAdminClosedConversationGivesTheUserOpenedAndSolved() {
        MappedItem item = formats.byName("intercom-conversation")
                .map(Samples.payload("intercom", "support/intercom_webhook_conversation_admin_closed.json")).items().get(0);

        assertThat(item.record().id().key()).isEqualTo("intercom:5ee3d479d1cf3dedbee23d68");
        assertThat(ShopFormatsTest.ids(item.record())).isEqualTo("[EMAIL=bob.dylan@rei.com]");
        assertThat(item.record().attributes()).containsEntry("first_name", "Bob").containsEntry("last_name", "Dylan")
                .containsEntry("user_id", "234523452345345");
        // the sample's only part is the close itself: no admin comment, so no reply
        assertThat(item.interactions()).extracting(Interaction::kind).containsExactly(TICKET_OPENED, TICKET_SOLVED);
        Interaction solved = item.interactions().get(1);
        assertThat(solved.id()).isEqualTo("intercom:conversation:137324500000000:solved");
        assertThat(solved.occurredAt()).isEqualTo(Instant.ofEpochSecond(1596635368));
        assertThat(item.interactions().get(0).occurredAt()).isEqualTo(Instant.ofEpochSecond(1596634805));
    }

    /** The Intercom sample (created 1596634805, closed 1596635368) with an admin's comment at 1596635000. */
    static ObjectNode intercomWithAdminComment() {
        ObjectNode event = Samples.object("support/intercom_webhook_conversation_admin_closed.json");
        ArrayNode parts = (ArrayNode) event.path("data").path("item").path("conversation_parts").path("conversation_parts");
        parts.insert(0, Json.MAPPER.readTree("""
                {"type": "conversation_part", "id": "1", "part_type": "comment", "body": "<p>on it</p>",
                 "created_at": 1596635000, "author": {"type": "admin", "id": "3330619"}}"""));
        return event;
    }

    @Test
    void anIntercomConversationReopenedByATeammateIsOpenedAgainAtThatPart() {
        ObjectNode event = Samples.object("support/intercom_webhook_conversation_admin_closed.json");
        ArrayNode parts = (ArrayNode) event.path("data").path("item").path("conversation_parts").path("conversation_parts");
        parts.add(Json.MAPPER.readTree("""
                {"type": "conversation_part", "id": "9", "part_type": "open", "created_at": 1596640000,
                 "author": {"type": "admin", "id": "3330619"}}"""));

        List<Interaction> interactions = formats.byName("intercom-conversation").map(Samples.payload("intercom", event))
                .items().get(0).interactions();

        assertThat(interactions).filteredOn(i -> i.kind() == TICKET_OPENED).extracting(Interaction::occurredAt)
                .contains(Instant.ofEpochSecond(1596640000));
    }

    @Test
    void intercomAdminCommentIsTheReply() {
        ObjectNode event = intercomWithAdminComment();

        List<Interaction> interactions = formats.byName("intercom-conversation").map(Samples.payload("intercom", event))
                .items().get(0).interactions();

        assertThat(kind(interactions, TICKET_REPLIED).occurredAt()).isEqualTo(Instant.ofEpochSecond(1596635000));
    }

    @Test
    void intercomUnknownTopicIsRejected() {
        ObjectNode event = Samples.object("support/intercom_webhook_conversation_admin_closed.json");
        event.put("topic", "user.created");

        assertThatThrownBy(() -> formats.byName("intercom-conversation").map(Samples.payload("intercom", event)))
                .isInstanceOfSatisfying(PayloadRejectedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_VALUE))
                .hasMessageContaining("'topic'");
    }

    @Test
    void ticketIdsAreTheSameWhenTheSamePayloadIsDeliveredAgain() {
        SourcePayload once = Samples.payload("fd", "support/freshdesk_v2_ticket.json");
        SourcePayload again = new SourcePayload("fd", new String(once.body(), StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8),
                Map.of(), Samples.RECEIVED.plusSeconds(3600));

        assertThat(formats.byName("freshdesk-ticket").map(again).interactions())
                .containsExactlyElementsOf(formats.byName("freshdesk-ticket").map(once).interactions().toList());
    }
}
