package dev.tessera.core.bench;

import dev.tessera.core.csv.CsvReader;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvTest {

    @Test
    void quotesOnlyTheCellsThatNeedIt() {
        StringWriter out = new StringWriter();
        new Csv.CsvWriter(out).row(List.of("plain", "a,b", "say \"hi\"", "two\nlines", ""));

        assertThat(out).hasToString("plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\n");
    }

    @Test
    void readsBackWhatItWrites() {
        List<String> row = List.of("plain", "a,b", "say \"hi\"", "two\r\nlines", "", " spaced ");
        StringWriter out = new StringWriter();
        Csv.CsvWriter writer = new Csv.CsvWriter(out);
        writer.row(row);
        writer.row(List.of("x", "y", "z", "", "", ""));

        assertThat(readAll(out.toString())).containsExactly(row, List.of("x", "y", "z", "", "", ""));
    }

    @Test
    void acceptsCrlfABomAndNoFinalNewlineAndSkipsBlankLines() {
        assertThat(readAll("\uFEFFa,b\r\n\r\n1,\"2\"\r\n3,4"))
                .containsExactly(List.of("a", "b"), List.of("1", "2"), List.of("3", "4"));
    }

    @Test
    void reportsTheLineOfEachRowAndRejectsAnUnterminatedQuote() {
        CsvReader reader = new CsvReader(new StringReader("h\n\"multi\nline\"\nlast\n"));
        reader.next();
        reader.next();
        assertThat(reader.lineNumber()).isEqualTo(2);
        reader.next();
        assertThat(reader.lineNumber()).isEqualTo(4);

        assertThatThrownBy(() -> readAll("a\n\"open")).hasMessageContaining("unterminated");
    }

    private static List<List<String>> readAll(String text) {
        CsvReader reader = new CsvReader(new StringReader(text));
        List<List<String>> rows = new ArrayList<>();
        for (List<String> row = reader.next(); row != null; row = reader.next()) {
            rows.add(row);
        }
        return rows;
    }
}
