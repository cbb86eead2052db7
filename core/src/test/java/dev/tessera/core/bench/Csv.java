package dev.tessera.core.bench;

import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;

/**
 * Minimal RFC 4180 CSV for the benchmark tools (no dependency beyond the JDK): a streaming reader that
 * understands quoted cells with commas, doubled quotes and line breaks, and a writer that quotes only
 * the cells that need it. Lines end in LF on output; LF and CRLF are both accepted on input.
 */
final class Csv {

    private Csv() {}

    /** Reads rows one at a time; {@link #lineNumber()} gives the line the last row started on. */
    static final class CsvReader implements Closeable {

        private final Reader in;
        private int pending = -2; // -2: nothing buffered
        private int line = 1;
        private int rowLine;
        private boolean first = true;

        CsvReader(Reader in) {
            this.in = in;
        }

        /** The next row, or null at the end of the input. A blank line is skipped. */
        List<String> next() {
            try {
                while (true) {
                    int c = read();
                    if (first) {
                        first = false;
                        if (c == '\uFEFF') {
                            c = read();
                        }
                    }
                    if (c == -1) {
                        return null;
                    }
                    if (c == '\n') {
                        line++;
                        continue;
                    }
                    if (c == '\r') {
                        int n = read();
                        if (n != '\n') {
                            unread(n);
                        }
                        line++;
                        continue;
                    }
                    unread(c);
                    rowLine = line;
                    return row();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        int lineNumber() {
            return rowLine;
        }

        private List<String> row() throws IOException {
            List<String> cells = new ArrayList<>();
            StringBuilder cell = new StringBuilder();
            boolean quoted = false;
            boolean wasQuoted = false;
            while (true) {
                int c = read();
                if (quoted) {
                    if (c == -1) {
                        throw new IllegalArgumentException("unterminated quoted cell starting on line " + rowLine);
                    }
                    if (c == '"') {
                        int n = read();
                        if (n == '"') {
                            cell.append('"');
                        } else {
                            quoted = false;
                            unread(n);
                        }
                    } else {
                        if (c == '\n') {
                            line++;
                        }
                        cell.append((char) c);
                    }
                    continue;
                }
                if (c == ',') {
                    cells.add(cell.toString());
                    cell.setLength(0);
                    wasQuoted = false;
                } else if (c == '\n' || c == '\r' || c == -1) {
                    if (c == '\r') {
                        int n = read();
                        if (n != '\n') {
                            unread(n);
                        }
                    }
                    if (c != -1) {
                        line++;
                    }
                    cells.add(cell.toString());
                    return cells;
                } else if (c == '"' && cell.isEmpty() && !wasQuoted) {
                    quoted = true;
                    wasQuoted = true;
                } else if (wasQuoted) {
                    throw new IllegalArgumentException("text after a closing quote on line " + line);
                } else {
                    cell.append((char) c);
                }
            }
        }

        private int read() throws IOException {
            if (pending != -2) {
                int c = pending;
                pending = -2;
                return c;
            }
            return in.read();
        }

        private void unread(int c) {
            pending = c;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

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
