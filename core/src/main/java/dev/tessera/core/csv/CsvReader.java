package dev.tessera.core.csv;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A streaming RFC 4180 CSV reader with no dependency beyond the JDK: quoted cells with commas, doubled
 * quotes and line breaks; LF or CRLF; a leading byte order mark; blank lines skipped. {@link #lineNumber()}
 * gives the line the last row started on. Malformed quoting throws {@link IllegalArgumentException}
 * naming the line.
 */
public final class CsvReader implements Closeable {

    private final Reader in;
    private int pending = -2; // -2: nothing buffered
    private int line = 1;
    private int rowLine;
    private boolean first = true;

    public CsvReader(Reader in) {
        this.in = in instanceof BufferedReader ? in : new BufferedReader(in);
    }

    /** The next row, or null at the end of the input. A blank line is skipped. */
    public List<String> next() {
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

    public int lineNumber() {
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
