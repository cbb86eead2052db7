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

    @Test
    void aLineGivenBackIsReadAgainLineByLineItsFirstLineAlone() throws Exception {
        // the second line opens a quote no later line closes for good: it swallows the rows after it
        CsvLineReader reader = new CsvLineReader(new StringReader("h,i\n1,\"stray\n2,b\n3,\"c\"\n4,d\n"));
        reader.next();
        CsvLineReader.Line swallowing = reader.next();
        assertThat(swallowing).isEqualTo(new CsvLineReader.Line(2, "1,\"stray\n2,b\n3,\"c\"\n4,d"));
        assertThat(swallowing.multiLine()).isTrue();

        reader.separately(swallowing);

        assertThat(all(reader)).containsExactly(new CsvLineReader.Line(2, "1,\"stray"),
                new CsvLineReader.Line(3, "2,b"), new CsvLineReader.Line(4, "3,\"c\""),
                new CsvLineReader.Line(5, "4,d"));
    }

    @Test
    void aLineGivenBackThatOpensAnotherQuoteIsJoinedAgainFromThere() throws Exception {
        CsvLineReader reader = new CsvLineReader(new StringReader("1,\"a\n2,\"b\n3,c\"\n4,d\n"));
        CsvLineReader.Line first = reader.next();
        assertThat(first.text()).isEqualTo("1,\"a\n2,\"b");

        reader.separately(first);

        assertThat(all(reader)).containsExactly(new CsvLineReader.Line(1, "1,\"a"),
                new CsvLineReader.Line(2, "2,\"b\n3,c\""), new CsvLineReader.Line(4, "4,d"));
    }

    @Test
    void aQuoteStillOpenPastTheLimitIsTakenForAStrayOneAndTheLinesAfterItAreRows() throws Exception {
        StringBuilder text = new StringBuilder("h\n\"never closed\n");
        String row = "x".repeat(999);
        int rows = CsvLineReader.MAX_LINE_CHARS / 1000 + 5;
        for (int i = 0; i < rows; i++) {
            text.append(row).append('\n');
        }
        CsvLineReader reader = new CsvLineReader(new StringReader(text.toString()));
        reader.next();

        assertThat(reader.next()).isEqualTo(new CsvLineReader.Line(2, "\"never closed"));
        List<CsvLineReader.Line> rest = all(reader);
        assertThat(rest).hasSize(rows).allSatisfy(line -> assertThat(line.text()).isEqualTo(row));
        assertThat(rest.get(0).number()).isEqualTo(3);
        assertThat(rest.get(rows - 1).number()).isEqualTo(rows + 2);
    }

    @Test
    void lineEndsOfEveryKindEndALineAndALineWithoutEndIsRefusedBeforeItFillsTheMemory() throws Exception {
        assertThat(all(new CsvLineReader(new StringReader("h\ra\r\nb\nc\r"))))
                .extracting(CsvLineReader.Line::text).containsExactly("h", "a", "b", "c");
        assertThat(all(new CsvLineReader(new StringReader("h\n\nb")))).extracting(CsvLineReader.Line::text)
                .containsExactly("h", "", "b");

        // a file without line breaks, matched by the source's include pattern by mistake: never read whole
        java.io.Reader endless = new java.io.Reader() {
            @Override
            public int read(char[] buffer, int offset, int length) {
                java.util.Arrays.fill(buffer, offset, offset + length, 'x');
                return length;
            }

            @Override
            public void close() {}
        };
        CsvLineReader reader = new CsvLineReader(endless);
        org.assertj.core.api.Assertions.assertThatThrownBy(reader::next).isInstanceOf(MalformedFileException.class)
                .hasMessage("line 1 is longer than " + CsvLineReader.MAX_PHYSICAL_LINE_CHARS
                        + " characters: not a CSV file of rows (one without line breaks?)");
    }

    private static List<CsvLineReader.Line> all(CsvLineReader reader) throws Exception {
        List<CsvLineReader.Line> lines = new ArrayList<>();
        for (CsvLineReader.Line line = reader.next(); line != null; line = reader.next()) {
            lines.add(line);
        }
        return lines;
    }
}
