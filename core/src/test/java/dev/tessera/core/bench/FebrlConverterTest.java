package dev.tessera.core.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class FebrlConverterTest {

    private static final String HEADER = "rec_id, given_name, surname, street_number, address_1, address_2, suburb,"
            + " postcode, state, date_of_birth, soc_sec_id";
    private static final String OUT_HEADER = "record_id,source,source_id,first_name,last_name,email,phone,"
            + "birth_date,street,city,postcode,country,cluster,address_2,state,soc_sec_id";

    @Test
    void convertsADedupFileWithFebrlQuirks() throws Exception {
        String febrl = HEADER + "\n"
                + "rec-223-org, , waller, 6, tullaroop street, willaroo, st james, 4011, wa, 19081209, 6988048\n"
                + "rec-223-dup-0,  elie, waller, , tullaroop street, , st james, 4011, wa, 19080231, 6988048\n"
                + "rec-7-dup-3, zac, godfrey, 47, , , , 0830, qld, , 0012345\n";
        StringWriter out = new StringWriter();

        ConversionSummary summary = FebrlConverter.convert(
                List.of(new FebrlConverter.Input("febrl", new StringReader(febrl), "test")), out);

        assertThat(out.toString().split("\n")).containsExactly(
                OUT_HEADER,
                "rec-223-org,febrl,rec-223-org,,waller,,,1908-12-09,6 tullaroop street,st james,4011,AU,223,willaroo,wa,6988048",
                "rec-223-dup-0,febrl,rec-223-dup-0,elie,waller,,,,tullaroop street,st james,4011,AU,223,,wa,6988048",
                "rec-7-dup-3,febrl,rec-7-dup-3,zac,godfrey,,,,47,,0830,AU,7,,qld,0012345");
        assertThat(summary).isEqualTo(new ConversionSummary(3, 2, 1, 1));
    }

    @Test
    void convertsALinkagePairWithCrlfAndNoFinalNewlineIntoSourcesAAndB() throws Exception {
        String a = HEADER + "\r\n"
                + "rec-1070-org, michaela, neumann, 8, stanley street, miami, winston hills, 4223, nsw, 19151111, 5304218\r\n"
                + "rec-66-org, koula, houweling, 3, mileham street, old airdmillan road, williamstown, 2350, nsw, 19440718, 6375537";
        String b = HEADER + "\n"
                + "rec-1070-dup-0, michaela, neumann, 8, stanley street, miami, winston hills, 4223, nsw, 19151111, 5304218\n";
        StringWriter out = new StringWriter();

        ConversionSummary summary = FebrlConverter.convert(List.of(
                new FebrlConverter.Input("a", new StringReader(a), "a"),
                new FebrlConverter.Input("b", new StringReader(b), "b")), out);

        String[] lines = out.toString().split("\n");
        assertThat(lines).hasSize(4);
        assertThat(lines[1]).startsWith("rec-1070-org,a,rec-1070-org,michaela,neumann,,,1915-11-11,8 stanley street,")
                .doesNotContain("\r");
        assertThat(lines[2]).isEqualTo("rec-66-org,a,rec-66-org,koula,houweling,,,1944-07-18,3 mileham street,"
                + "williamstown,2350,AU,66,old airdmillan road,nsw,6375537");
        assertThat(lines[3]).startsWith("rec-1070-dup-0,b,rec-1070-dup-0,michaela,").contains(",AU,1070,");
        assertThat(summary).isEqualTo(new ConversionSummary(3, 2, 1, 0));
    }

    @Test
    void rejectsRowsItCannotAttributeToAnEntity() {
        String febrl = HEADER + "\nrecord-1, a, b, 1, c, d, e, 1234, nsw, 19000101, 1\n";

        assertThatThrownBy(() -> FebrlConverter.convert(
                List.of(new FebrlConverter.Input("febrl", new StringReader(febrl), "test")), new StringWriter()))
                .hasMessageContaining("rec-N-org");
    }

    @Test
    void normalisesDatesAndStreets() {
        assertThat(CanonicalCsv.compactDateToIso("19991231")).isEqualTo("1999-12-31");
        assertThat(CanonicalCsv.compactDateToIso("19990229")).isEmpty();
        assertThat(CanonicalCsv.compactDateToIso("1999123")).isEmpty();
        assertThat(CanonicalCsv.compactDateToIso("")).isEmpty();
        assertThat(CanonicalCsv.street("12a", "tullaroop street")).isEqualTo("12a tullaroop street");
        assertThat(CanonicalCsv.street("", "tullaroop street")).isEqualTo("tullaroop street");
        assertThat(CanonicalCsv.street("12", "")).isEqualTo("12");
    }
}
