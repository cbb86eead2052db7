package dev.tessera.core.bench;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.List;

/**
 * CSV output for the benchmark tools: a writer that quotes only the cells that need it, lines ending in
 * LF. Input is read with core's {@link dev.tessera.core.csv.CsvReader}.
 */
final class Csv {

    private Csv() {}

    /** Writes rows, quoting a cell only when it holds a comma, a quote or a line break. */
    static final class CsvWriter implements Closeable {

        private final Writer out;

        CsvWriter(Writer out) {
            this.out = out;
        }

        void row(List<String> cells) {
            try {
                for (int i = 0; i < cells.size(); i++) {
                    if (i > 0) {
                        out.write(',');
                    }
                    out.write(escape(cells.get(i)));
                }
                out.write('\n');
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }

    static String escape(String cell) {
        if (cell == null) {
            return "";
        }
        boolean needsQuotes = false;
        for (int i = 0; i < cell.length() && !needsQuotes; i++) {
            char c = cell.charAt(i);
            needsQuotes = c == ',' || c == '"' || c == '\n' || c == '\r';
        }
        return needsQuotes ? '"' + cell.replace("\"", "\"\"") + '"' : cell;
    }
}
