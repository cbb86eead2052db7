package dev.tessera.core.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class SplinkFake1000ConverterTest {

    @Test
    void convertsRowsKeepingTheClusterAsTruth() throws Exception {
        String fake = """
                unique_id,first_name,surname,dob,city,email,cluster
                0,Robert,Alan,1971-06-24,,robert255@smith.net,0
                2,Rob,Allen,1971-06-24,"London, UK",roberta25@smith.net,0
                9,,Murphy,1983-02-30,Lonon,,4
                """;
        StringWriter out = new StringWriter();

        ConversionSummary summary = SplinkFake1000Converter.convert(new StringReader(fake), out);

        assertThat(out.toString().split("\n")).containsExactly(
                "record_id,source,source_id,first_name,last_name,email,phone,birth_date,street,city,postcode,country,cluster",
                "0,fake_1000,0,Robert,Alan,robert255@smith.net,,1971-06-24,,,,,0",
                "2,fake_1000,2,Rob,Allen,roberta25@smith.net,,1971-06-24,,\"London, UK\",,,0",
                "9,fake_1000,9,,Murphy,,,,,Lonon,,,4");
        assertThat(summary).isEqualTo(new ConversionSummary(3, 2, 1, 1));
    }
}
