package dev.tessera.ingestion.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.core.cx.CxMetrics;
import dev.tessera.core.cx.CxMetricsCalculator;
import dev.tessera.core.cx.CxSettings;
import dev.tessera.core.model.Interaction;
import dev.tessera.core.model.InteractionKind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The support formats and the CX metrics agree on what a ticket is: the opening, first reply and solving
 * of one vendor ticket, mapped from the vendors' real payloads, are one ticket in the metrics (open
 * tickets, first-response and resolution time), also when they arrive in separate payloads.
 */
class SupportTicketMetricsTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    private final VendorFormats formats = VendorFormats.withDefaults();
    private final CxMetricsCalculator calculator = new CxMetricsCalculator(CxSettings.defaults());

    @Test
    void aSolvedZendeskTicketIsOneClosedTicketWithItsResolutionTime() {
        ObjectNode page = Samples.object("support/zendesk_tickets_incremental_airbyte_fixture.json");
        ObjectNode ticket = (ObjectNode) page.path("tickets").get(0);
        ticket.put("status", "solved");
        ticket.put("solved_at", "2009-07-21T22:55:29Z"); // a day after created_at

        CxMetrics metrics = metrics(formats.byName("zendesk-ticket").map(Samples.payload("zendesk", page)));

        assertThat(metrics.tickets()).isEqualTo(1);
        assertThat(metrics.openTickets()).isZero();
        assertThat(metrics.resolutionLatest()).isEqualTo(Duration.ofDays(1));
    }

    @Test
    void aZendeskTicketsMetricSetGivesTheFirstReplyInCalendarMinutes() {
        ObjectNode page = Samples.object("support/zendesk_tickets_incremental_airbyte_fixture.json");
        ObjectNode ticket = (ObjectNode) page.path("tickets").get(0); // created 2009-07-20T22:55:29Z
        ObjectNode replyTime = ticket.putObject("metric_set").putObject("reply_time_in_minutes");
        replyTime.put("calendar", 95);
        replyTime.put("business", 20);

        MappedPayload mapped = formats.byName("zendesk-ticket").map(Samples.payload("zendesk", page));
        CxMetrics metrics = metrics(mapped);

        assertThat(mapped.interactions().filter(i -> i.kind() == InteractionKind.TICKET_REPLIED))
                .singleElement().satisfies(i -> {
                    assertThat(i.id()).isEqualTo("zendesk:ticket:35436:replied");
                    assertThat(i.occurredAt()).isEqualTo(Instant.parse("2009-07-21T00:30:29Z"));
                });
        assertThat(metrics.openTickets()).isEqualTo(1);
        assertThat(metrics.firstResponseLatest()).isEqualTo(Duration.ofMinutes(95));

        replyTime.putNull("calendar"); // not replied yet
        assertThat(formats.byName("zendesk-ticket").map(Samples.payload("zendesk", page)).interactions())
                .noneMatch(i -> i.kind() == InteractionKind.TICKET_REPLIED);
        for (String bad : List.of("-5", "1.5", "soon")) {
            replyTime.put("calendar", bad);
            MappedPayload rejected = formats.byName("zendesk-ticket").map(Samples.payload("zendesk", page));
            assertThat(rejected.items()).isEmpty();
            assertThat(rejected.rejections()).singleElement()
                    .satisfies(r -> {
                        assertThat(r.reason()).isEqualTo(PayloadRejectedException.Reason.INVALID_VALUE);
                        assertThat(r.message()).contains("'metric_set.reply_time_in_minutes.calendar'");
                    });
        }
        // a creation time at the edge of what Java holds, plus a reply time: that ticket alone is rejected, not
        // the page with it
        ticket.put("created_at", "+1000000000-12-31T00:00:00Z");
        replyTime.put("calendar", Integer.MAX_VALUE);
        ObjectNode another = (ObjectNode) page.path("tickets").get(0).deepCopy();
        another.put("id", 35437).put("created_at", "2009-07-20T22:55:29Z");
        another.remove("metric_set");
        ((tools.jackson.databind.node.ArrayNode) page.path("tickets")).add(another);
        MappedPayload edge = formats.byName("zendesk-ticket").map(Samples.payload("zendesk", page));
        assertThat(edge.rejections()).singleElement().satisfies(r -> {
            assertThat(r.reason()).isEqualTo(PayloadRejectedException.Reason.INVALID_VALUE);
            assertThat(r.item()).contains("35436");
        });
        assertThat(edge.interactions()).anyMatch(i -> i.id().startsWith("zendesk:ticket:35437:"));
    }

    @Test
    void aFreshdeskTicketAndItsConversationsAreOneTicketWithFirstResponseAndResolution() {
        tools.jackson.databind.node.ObjectNode resolved = Samples.object("support/freshdesk_v2_ticket.json");
        resolved.put("status", 4); // the sample is open (2) again after an earlier resolution
        List<Interaction> interactions = new ArrayList<>(interactions(
                formats.byName("freshdesk-ticket").map(Samples.payload("fd", resolved))));
        SourcePayload conversations = new SourcePayload("fd", Samples.bytes("support/freshdesk_v2_ticket_conversations.json"),
                Map.of("x-tessera-requester-id", "6012691534"), Samples.RECEIVED);
        interactions.addAll(interactions(formats.byName("freshdesk-conversation").map(conversations)));

        CxMetrics metrics = calculator.recompute(interactions, NOW);

        assertThat(metrics.tickets()).isEqualTo(1);
        assertThat(metrics.openTickets()).isZero();
        // opened 2016-05-18T04:36:04Z; the conversations' first public reply (2016-05-19T05:36:14Z) has
        // the interaction id of the ticket's first_responded_at and, arriving later, corrects it
        assertThat(metrics.firstResponseLatest()).isEqualTo(Duration.between(
                Instant.parse("2016-05-18T04:36:04Z"), Instant.parse("2016-05-19T05:36:14Z")));
        assertThat(metrics.resolutionLatest()).isEqualTo(Duration.between(
                Instant.parse("2016-05-18T04:36:04Z"), Instant.parse("2020-07-24T15:35:21Z")));
    }

    @Test
    void anIntercomConversationOpenedRepliedAndClosedIsOneClosedTicket() {
        ObjectNode event = SupportFormatsTest.intercomWithAdminComment();

        CxMetrics metrics = metrics(formats.byName("intercom-conversation").map(Samples.payload("intercom", event)));

        assertThat(metrics.tickets()).isEqualTo(1);
        assertThat(metrics.openTickets()).isZero();
        assertThat(metrics.firstResponseLatest()).isEqualTo(Duration.ofSeconds(1596635000 - 1596634805));
        assertThat(metrics.resolutionLatest()).isEqualTo(Duration.ofSeconds(1596635368 - 1596634805));
    }

    @Test
    void anIntercomConversationsStatisticsTagsAndRatingGiveReplyComplaintAndCsat() {
        ObjectNode event = Samples.object("support/intercom_webhook_conversation_admin_closed.json");
        ObjectNode item = (ObjectNode) event.path("data").path("item"); // created 1596634805, closed 1596635368
        // the webhook holds only the close part; the statistics know the first reply
        item.putObject("statistics").put("first_admin_reply_at", 1596634865);
        ArrayNode tags = (ArrayNode) item.path("tags").path("tags");
        tags.add(Json.MAPPER.createObjectNode().put("type", "tag").put("id", "17").put("name", "Complaint"));
        tags.add(Json.MAPPER.createObjectNode().put("type", "tag").put("id", "18").put("name", "billing"));
        ObjectNode rating = item.putObject("conversation_rating");
        rating.put("rating", 2).put("remark", "slow").put("created_at", 1596635400).put("updated_at", 1596635500);

        MappedPayload mapped = formats.byName("intercom-conversation").map(Samples.payload("intercom", event));
        CxMetrics metrics = metrics(mapped);

        assertThat(metrics.firstResponseLatest()).isEqualTo(Duration.ofSeconds(60));
        assertThat(metrics.complaints()).isEqualTo(1);
        assertThat(metrics.openComplaints()).isZero();
        assertThat(metrics.csatAverage()).isEqualTo(2.0);
        assertThat(mapped.interactions().filter(i -> i.kind() == InteractionKind.SURVEY_RESPONSE)).singleElement()
                .satisfies(csat -> {
                    assertThat(csat.id()).isEqualTo("intercom:csat:conversation:137324500000000");
                    assertThat(csat.occurredAt()).isEqualTo(Instant.ofEpochSecond(1596635500));
                    assertThat(csat.attributes()).containsEntry(Interaction.TICKET_ID, "137324500000000")
                            .containsEntry("remark", "slow");
                });
        assertThat(mapped.interactions().filter(i -> i.kind() == InteractionKind.TICKET_OPENED)).singleElement()
                .satisfies(opened -> assertThat(opened.attributes()).containsEntry("type", "complaint")
                        .containsEntry("tags", "Complaint,billing"));

        for (int bad : List.of(0, 6)) {
            rating.put("rating", bad);
            assertThatThrownBy(() -> formats.byName("intercom-conversation").map(Samples.payload("intercom", event)))
                    .isInstanceOfSatisfying(PayloadRejectedException.class,
                            e -> assertThat(e.reason()).isEqualTo(PayloadRejectedException.Reason.INVALID_VALUE))
                    .hasMessageContaining("'data.item.conversation_rating.rating'");
        }
        rating.putNull("rating"); // requested, not answered
        assertThat(formats.byName("intercom-conversation").map(Samples.payload("intercom", event)).interactions())
                .noneMatch(i -> i.kind() == InteractionKind.SURVEY_RESPONSE);
    }

    private CxMetrics metrics(MappedPayload mapped) {
        assertThat(mapped.rejections()).isEmpty();
        return calculator.recompute(interactions(mapped), NOW);
    }

    private static List<Interaction> interactions(MappedPayload mapped) {
        return mapped.interactions().toList();
    }
}
