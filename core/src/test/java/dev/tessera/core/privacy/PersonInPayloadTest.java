package dev.tessera.core.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.core.deadletter.DeadLetter;
import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.SourceRecordId;
import dev.tessera.core.normalize.Identifiers;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which rejected payloads an erasure recognises as the person's, and which it must leave alone. */
class PersonInPayloadTest {

    private static final Identifiers IDS = new Identifiers("GB");
    private static final PersonInPayload ZELDA = new PersonInPayload(List.of(
            new CustomerRecord(new SourceRecordId("shop", "cust-zq-7781"), Instant.EPOCH,
                    List.of(IDS.email("zelda.q@example.org").orElseThrow(), IDS.phone("+447700900123").orElseThrow()),
                    Map.of("first_name", "Zelda")),
            new CustomerRecord(new SourceRecordId("crm", "42"), Instant.EPOCH, List.of(), Map.of()),
            new CustomerRecord(new SourceRecordId("crm", "2025"), Instant.EPOCH, List.of(), Map.of())));

    @Test
    void findsHerEmailPhoneAndRecordIdHoweverWritten() {
        assertThat(ZELDA.test(letter("source-web", "{\"e\":\"Zelda.Q@EXAMPLE.org\"}"))).isTrue();
        assertThat(ZELDA.test(letter("source-web", "name;tel\nZ;+44 (0)7700 900123"))).isTrue();
        assertThat(ZELDA.test(letter("source-web", "07700-900-123"))).isTrue();
        assertThat(ZELDA.test(letter("source-web", "tel: 07700 900456 / 07700 900123"))).as("her number second").isTrue();
        assertThat(ZELDA.test(letter("source-web", "07700 900456 07700 900123"))).as("written as one run").isTrue();
        assertThat(ZELDA.test(letter("source-shop", "cust-zq-7781,,bad date"))).isTrue();
    }

    /** Local parts beyond ASCII letters and digits, as the email normaliser accepts them. */
    @Test
    void findsAnEmailWhoseLocalPartHoldsLettersBeyondAsciiOrSigns() {
        PersonInPayload mueller = new PersonInPayload(List.of(new CustomerRecord(new SourceRecordId("shop", "m-1"),
                Instant.EPOCH, List.of(IDS.email("müller@example.de").orElseThrow(),
                        IDS.email("jane&bob@example.com").orElseThrow()), Map.of())));

        assertThat(mueller.test(letter("source-web", "{\"email\":\"müller@example.de\",\"birth\":\"31/02/1990\"}")))
                .isTrue();
        assertThat(mueller.test(letter("source-web", "id,email\n7,Jane&Bob@Example.com"))).isTrue();
        assertThat(mueller.test(letter("source-web", "{\"email\":\"ller@example.de\"}"))).as("another mailbox")
                .isFalse();
        assertThat(mueller.test(letter("source-web", "{\"email\":\"xmüller@example.de\"}"))).as("another mailbox")
                .isFalse();
    }

    @Test
    void leavesOtherPeoplesPayloadsAlone() {
        assertThat(ZELDA.test(letter("source-web", "{\"e\":\"xzelda.q@example.org\"}"))).as("another mailbox").isFalse();
        assertThat(ZELDA.test(letter("source-web", "07700 900124"))).as("another number").isFalse();
        assertThat(ZELDA.test(letter("source-web", "ref 900123"))).as("too few digits to say").isFalse();
        assertThat(ZELDA.test(letter("source-shop", "cust-zq-77810,,bad date"))).as("a longer id").isFalse();
        assertThat(ZELDA.test(letter("source-crm", "cust-zq-7781"))).as("her id on another source's route")
                .isFalse();
        assertThat(ZELDA.test(letter("source-crm", "id,amount\n7,42\n"))).as("ids under three characters")
                .isFalse();
        assertThat(ZELDA.test(letter("source-crm", "id,date\n9,2025-01-01\n"))).as("short all-digit ids").isFalse();
        assertThat(ZELDA.test(letter("source-web", "Zelda"))).as("a name alone").isFalse();
        assertThat(ZELDA.test(letter("source-web", ""))).isFalse();
    }

    @Test
    void findsHerRecordIdInDeadLettersAboutHerRecordsSource() {
        // two sources write "shop" records: the shop itself and a WooCommerce export with record-namespace shop
        PersonInPayload zelda = new PersonInPayload(List.of(new CustomerRecord(new SourceRecordId("shop",
                "cust-zq-7781"), Instant.EPOCH, List.of(), Map.of())), Map.of("source-woo-export", "shop",
                "source-crm", "crm", "source-shop", "webshop"));

        assertThat(zelda.test(about("source-woo-export", "shop", "{\"customer\":\"cust-zq-7781\"}"))).isTrue();
        assertThat(zelda.test(about("source-crm", "crm", "cust-zq-7781"))).as("a letter about other records").isFalse();
        assertThat(zelda.test(about("source-shop", "webshop", "cust-zq-7781")))
                .as("the letter says whose records: it wins over the route's name").isFalse();
        // older letters that do not say: the route noted for her source, or named after it
        assertThat(zelda.test(letter("source-woo-export", "cust-zq-7781"))).isTrue();
        assertThat(zelda.test(letter("source-shop", "cust-zq-7781,,bad date")))
                .as("kept under the source's own name before it took a namespace").isTrue();
        assertThat(zelda.test(letter("source-crm", "cust-zq-7781"))).as("noted for other records").isFalse();
    }

    /**
     * A CSV row's dead letter says which record it was about: that id is compared, so another customer's
     * row that mentions hers (an order reference) stays, and even short ids are found.
     */
    @Test
    void whereTheLetterSaysWhichRecordOnlyThatIdCounts() {
        String header = "id,ref,date\n";
        assertThat(ZELDA.test(row("source-shop", "shop", header + "cust-zq-7781,,bad", "cust-zq-7781"))).isTrue();
        assertThat(ZELDA.test(row("source-shop", "shop", header + "cust-other-1,cust-zq-7781,bad", "cust-other-1")))
                .as("another customer's row that mentions her id").isFalse();
        assertThat(ZELDA.test(row("source-shop", "shop", header + ",cust-zq-7781,bad", "")))
                .as("a row without a readable id of its own").isFalse();
        assertThat(ZELDA.test(row("source-crm", "crm", header + "42,,bad", "42"))).as("a short id, compared exactly").isTrue();
        assertThat(ZELDA.test(row("source-crm", "crm", header + "43,42,bad", "43"))).isFalse();
        assertThat(ZELDA.test(row("source-crm", "crm", "id,email\n43,zelda.q@example.org", "43")))
                .as("her email in another row still counts").isTrue();
    }

    @Test
    void theHeadersKeptForAReplayAreSearchedToo() {
        // Freshdesk conversations name no requester: the route that fetched them said who it was
        String conversations = "{\"conversations\":[{\"body\":\"thanks\"}]}";
        assertThat(ZELDA.test(new DeadLetter("id", "source-shop", "test", "reason", conversations, Instant.EPOCH,
                "shop", null, Map.of("X-Tessera-Requester-Id", "cust-zq-7781")))).isTrue();
        assertThat(ZELDA.test(new DeadLetter("id", "source-shop", "test", "reason", conversations, Instant.EPOCH,
                "shop", null, Map.of("X-Tessera-Requester-Id", "cust-other-1")))).isFalse();
    }

    private static DeadLetter row(String route, String recordSource, String payload, String sourceId) {
        return new DeadLetter("id", route, "test", "reason", payload, Instant.EPOCH, recordSource, sourceId);
    }

    private static DeadLetter about(String route, String recordSource, String payload) {
        return new DeadLetter("id", route, "test", "reason", payload, Instant.EPOCH, recordSource);
    }

    private static DeadLetter letter(String route, String payload) {
        return new DeadLetter("id", route, "test", "reason", payload, Instant.EPOCH);
    }
}
