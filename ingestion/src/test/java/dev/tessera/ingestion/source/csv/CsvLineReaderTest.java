package dev.tessera.ingestion.source.csv;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvLineReaderTest {

    @Test
    void keepsQuotedLineBreaksInsideTheirRowAndReportsStartingLines() throws Exception {
        CsvLineReader reader = new CsvLineReader(new StringReader("h1,h2\r\na,\"multi\nline\"\r\nb,c\n"));

        List<CsvLineReader.Line> lines = new ArrayList<>();
        for (CsvLineReader.Line line = reader.next(); line != null; line = reader.next()) {
            lines.add(line);
        }

        assertThat(lines).containsExactly(new CsvLineReader.Line(1, "h1,h2"),
                new CsvLineReader.Line(2, "a,\"multi\nline\""), new CsvLineReader.Line(4, "b,c"));
    }

    @Test
    void anUnclosedQuoteAtTheEndDoesNotLoseTheRow() throws Exception {
        CsvLineReader reader = new CsvLineReader(new StringReader("h\n\"open"));

        reader.next();
        assertThat(reader.next().text()).isEqualTo("\"open");
        assertThat(reader.next()).isNull();
    }
}
