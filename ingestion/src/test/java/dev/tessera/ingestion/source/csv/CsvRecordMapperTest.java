package dev.tessera.ingestion.source.csv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.IdentifierType;
import dev.tessera.core.normalize.Identifiers;
import dev.tessera.ingestion.system.IngestionProperties.Mapping;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CsvRecordMapperTest {

    static final Instant FILE_TIME = Instant.parse("2026-01-01T00:00:00Z");
    static final String HEADER = "id,email,phone,first,last,dob,updated";

    static Mapping crmMapping() {
        return new Mapping("id", List.of("email"), List.of("phone"), "updated",
                Map.of("first_name", "first", "last_name", "last", "birth_date", "dob"),
                List.of("birth_date"), List.of("ISO", "dd/MM/yyyy", "dd/MM/yyyy HH:mm"), "Europe/London", null);
    }

    private final CsvRecordMapper mapper = new CsvRecordMapper("crm", crmMapping(), new Identifiers("GB"), ',', HEADER);

    @Test
    void mapsARowToANormalisedRecord() throws Exception {
        CustomerRecord record = mapper.map(
                "c-1, Jane@Example.COM ,020 7946 0958,Jane,Doe,24/06/1971,2025-03-01T10:00:00Z", FILE_TIME);

        assertThat(record.id().key()).isEqualTo("crm:c-1");
        assertThat(record.identifiers()).extracting(i -> i.type() + "=" + i.value())
                .containsExactly("EMAIL=jane@example.com", "PHONE=+442079460958");
        assertThat(record.attributes()).containsEntry("first_name", "Jane").containsEntry("birth_date", "1971-06-24")
                .containsEntry("email", "jane@example.com");
        assertThat(record.observedAt()).isEqualTo(Instant.parse("2025-03-01T10:00:00Z"));
    }

    @Test
    void aNationalPhoneNumberIsReadInTheRowsCountry() throws Exception {
        Mapping withCountry = new Mapping("id", List.of("email"), List.of("phone"), null,
                Map.of("first_name", "first", "country", "country"), List.of(), List.of("ISO"), "Europe/London", null);
        CsvRecordMapper mapper = new CsvRecordMapper("crm", withCountry, new Identifiers("GB"), ',',
                "id,email,phone,first,country");

        CustomerRecord jana = mapper.map("c-1,,030 1234567,Jana,Deutschland", FILE_TIME);
        assertThat(jana.identifiers()).extracting(i -> i.value()).containsExactly("+49301234567");
        assertThat(jana.attributes()).as("one spelling per country").containsEntry("country", "DE");
        assertThat(mapper.map("c-9,jo@example.com,,Jo,Atlantis", FILE_TIME).attributes()).containsEntry("country", "Atlantis");
        assertThat(mapper.map("c-2,,(212) 555-0123,Joe,US", FILE_TIME).identifiers())
                .extracting(i -> i.value()).containsExactly("+12125550123");
        assertThat(mapper.map("c-3,,020 7946 0958,Ann,", FILE_TIME).identifiers())
                .as("no country: the default region").extracting(i -> i.value()).containsExactly("+442079460958");
        // a cell with two numbers and a label gives both; the attribute keeps the first
        CustomerRecord two = mapper.map("c-4,,030 1234567 / 0171 2345678 (mobil),Jana,DE", FILE_TIME);
        assertThat(two.identifiers()).extracting(i -> i.value()).containsExactlyInAnyOrder("+49301234567", "+491712345678");
        assertThat(two.attributes()).containsEntry("phone", "+49301234567");
        CustomerRecord mails = mapper.map("c-5,\"Jana Roth <Jana@Example.de>; jr@work.example\",,Jana,DE", FILE_TIME);
        assertThat(mails.identifiers()).extracting(i -> i.value()).containsExactlyInAnyOrder("jana@example.de", "jr@work.example");
        assertThat(mails.attributes()).containsEntry("email", "jana@example.de");
    }

    @Test
    void aRejectedRowNamesItsSourceIdForItsDeadLetter() {
        assertThat(mapper.sourceIdOf(" c-7 ,jane@example.com,,Jane,Doe,not a date,")).isEqualTo("c-7");
        assertThat(mapper.sourceIdOf("c-7,too,few")).as("unreadable: no id").isEmpty();
        assertThat(mapper.sourceIdOf("\"c-7,jane@example.com")).as("unparseable").isEmpty();
        CsvRecordMapper withoutIds = new CsvRecordMapper("crm", new Mapping(null, List.of("email"), List.of(), null,
                Map.of(), List.of(), List.of("ISO"), "Europe/London", null), new Identifiers("GB"), ',', "email");
        assertThat(withoutIds.sourceIdOf("jane@example.com")).as("the row's content is its identity").isNull();
    }

    @Test
    void readsLocalTimesInTheConfiguredZone() throws Exception {
        CustomerRecord record = mapper.map("c-1,jane@example.com,,Jane,Doe,,01/07/2025 10:00", FILE_TIME);

        assertThat(record.observedAt()).isEqualTo(Instant.parse("2025-07-01T09:00:00Z"));
    }

    @Test
    void withoutAnObservedAtValueTheFileTimeCounts() throws Exception {
        assertThat(mapper.map("c-1,jane@example.com,,Jane,Doe,,", FILE_TIME).observedAt()).isEqualTo(FILE_TIME);
    }

    @Test
    void quotedFieldsMayHoldDelimitersQuotesAndLineBreaks() throws Exception {
        CustomerRecord record = mapper.map("c-1,jane@example.com,,\"Jane, \"\"JJ\"\"\",\"Doe\nSmith\",,", FILE_TIME);

        assertThat(record.attributes()).containsEntry("first_name", "Jane, \"JJ\"").containsEntry("last_name", "Doe\nSmith");
    }

    @Test
    void rejectsARowWithTheWrongColumnCount() {
        assertThatThrownBy(() -> mapper.map("c-1,jane@example.com,Jane", FILE_TIME))
                .isInstanceOf(RowRejectedException.class).hasMessage("row has 3 columns, the header has 7");
    }

    @Test
    void rejectsAnUnparseableDateNamingTheColumnButNotTheValue() throws Exception {
        assertThatThrownBy(() -> mapper.map("c-1,jane@example.com,,Jane,Doe,31/02/1971x,", FILE_TIME))
                .isInstanceOf(RowRejectedException.class).hasMessageContaining("column 'dob'")
                .hasMessageNotContaining("1971x");
        assertThatThrownBy(() -> mapper.map("c-1,jane@example.com,,Jane,Doe,,yesterday", FILE_TIME))
                .hasMessageContaining("column 'updated'");
        // a day the month does not have is no date, not the month's last day (which would be stored)
        for (String impossible : List.of("31/02/1971", "31/04/1990", "29/02/1971")) {
            assertThatThrownBy(() -> mapper.map("c-1,jane@example.com,,Jane,Doe," + impossible + ",", FILE_TIME))
                    .as(impossible).isInstanceOf(RowRejectedException.class).hasMessageContaining("column 'dob'");
        }
        assertThatThrownBy(() -> mapper.map("c-1,jane@example.com,,Jane,Doe,,31/06/2024 10:00", FILE_TIME))
                .hasMessageContaining("column 'updated'");
        assertThat(mapper.map("c-1,jane@example.com,,Jane,Doe,29/02/1972,", FILE_TIME).attributes())
                .containsEntry("birth_date", "1972-02-29");
    }

    @Test
    void rejectsARowWithoutItsSourceId() {
        assertThatThrownBy(() -> mapper.map(" ,jane@example.com,,Jane,Doe,,", FILE_TIME))
                .isInstanceOf(RowRejectedException.class).hasMessageContaining("source id");
    }

    @Test
    void withoutAnIdColumnARowNeedsAnEmailOrPhoneAndItsContentIsItsId() throws Exception {
        Mapping noId = new Mapping(null, List.of("email"), List.of("phone"), null, Map.of("first_name", "first"),
                List.of(), List.of("ISO"), "UTC", null);
        CsvRecordMapper mapper = new CsvRecordMapper("crm", noId, new Identifiers("GB"), ',', HEADER);

        assertThatThrownBy(() -> mapper.map("x,not-an-email,,Jane,Doe,,", FILE_TIME))
                .isInstanceOf(RowRejectedException.class).hasMessageContaining("no identifier");
        String row = "x,jane@example.com,,Jane,Doe,,";
        assertThat(mapper.map(row, FILE_TIME).id()).isEqualTo(mapper.map(row, FILE_TIME).id());
    }

    @Test
    void anInvalidEmailIsKeptAsAttributeButLinksNothing() throws Exception {
        CustomerRecord record = mapper.map("c-1,jane(at)example,,Jane,Doe,,", FILE_TIME);

        assertThat(record.identifiers()).isEmpty();
        assertThat(record.attributes()).containsEntry("email", "jane(at)example");
    }

    @Test
    void rejectsAnUnbalancedQuote() {
        assertThatThrownBy(() -> mapper.map("c-1,\"jane@example.com,,Jane,Doe,,", FILE_TIME))
                .isInstanceOf(RowRejectedException.class).hasMessageContaining("quote");
    }

    @Test
    void cellsThatCannotBeToldApartAreALayoutProblemAValueThatCannotBeReadIsNot() {
        assertThat(layout("c-1,\"jane@example.com,,Jane,Doe,,")).isTrue();
        assertThat(layout("c-1,jane@example.com,Jane")).isTrue();
        assertThat(layout("c-1,jane@example.com,,Jane,Doe,31/02/1971x,")).isFalse();
        assertThat(layout(" ,jane@example.com,,Jane,Doe,,")).isFalse();
    }

    @Test
    void aMultiLineRowWhoseLaterLinesAreRowsOfTheirOwnSwallowedThem() {
        // a stray quote in c-1's name: the reader joined c-2 into its "cell"
        assertThat(mapper.swallowsRows("c-1,jane@example.com,,\"Jane,Doe,,\nc-2,bob@example.com,,Bob,Stone,,"))
                .isTrue();
        // a quoted line break in a row that lacks a cell: its second line is no row
        assertThat(mapper.swallowsRows("c-1,jane@example.com,,\"Jane\nMary\",Doe,")).isFalse();
        assertThat(mapper.swallowsRows("c-1,jane@example.com,,Jane,Doe,,")).isFalse();
    }

    private boolean layout(String row) {
        try {
            mapper.map(row, FILE_TIME);
            throw new AssertionError("not rejected: " + row);
        } catch (RowRejectedException e) {
            return e.layout();
        }
    }

    @Test
    void headerMustHoldEveryMappedColumn() {
        assertThatThrownBy(() -> new CsvRecordMapper("crm", crmMapping(), new Identifiers("GB"), ',', "id,email"))
                .isInstanceOf(MalformedFileException.class).hasMessageContaining("lacks column 'phone'");
        assertThatThrownBy(() -> new CsvRecordMapper("crm", crmMapping(), new Identifiers("GB"), ',', HEADER + ",id"))
                .isInstanceOf(MalformedFileException.class).hasMessageContaining("names column 'id' twice (columns 1 and ");
        // a file without its header line: the first row is read as one, and its values are a customer's
        assertThatThrownBy(() -> new CsvRecordMapper("crm", crmMapping(), new Identifiers("GB"), ',',
                "c-9,jane@example.com,jane@example.com,+447700900123,+447700900123"))
                .isInstanceOf(MalformedFileException.class)
                .hasMessage("the header names column twice (columns 2 and 3)");
    }

    @Test
    void byteOrderMarkBeforeTheHeaderIsIgnored() throws Exception {
        CsvRecordMapper bom = new CsvRecordMapper("crm", crmMapping(), new Identifiers("GB"), ',', "\uFEFF" + HEADER);

        assertThat(bom.map("c-1,jane@example.com,,Jane,Doe,,", FILE_TIME).id().sourceId()).isEqualTo("c-1");
    }

    @Test
    void otherDelimitersWork() throws Exception {
        CsvRecordMapper semicolon = new CsvRecordMapper("crm", crmMapping(), new Identifiers("GB"), ';',
                HEADER.replace(',', ';'));

        assertThat(semicolon.map("c-1;jane@example.com;;Jane;Doe;;", FILE_TIME).attributes())
                .containsEntry("first_name", "Jane");
    }

    @Test
    void hostileValuesAreStoredAsPlainText() throws Exception {
        CustomerRecord record = mapper.map("c-1,jane@example.com,,<script>alert(1)</script>,=cmd|' /C calc'!A0,,",
                FILE_TIME);

        assertThat(record.attributes()).containsEntry("first_name", "<script>alert(1)</script>");
        assertThat(record.identifiers()).extracting(i -> i.type()).containsExactly(IdentifierType.EMAIL);
    }
}
