package dev.tessera.ingestion.source.csv;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;

/**
 * Splits CSV text into logical lines: a line break inside a quoted field belongs to the field. Each
 * line is returned exactly as written (without its terminator), so a rejected row can be kept verbatim.
 */
final class CsvLineReader {

    /** Longest logical line accepted; longer ones make the file malformed rather than exhaust memory. */
    static final int MAX_LINE_CHARS = 1 << 20;

    /** One logical line and the physical line number it starts on (1-based). */
    record Line(long number, String text) {}

    private final BufferedReader in;
    private long physical;

    CsvLineReader(Reader reader) {
        this.in = reader instanceof BufferedReader b ? b : new BufferedReader(reader, 1 << 16);
    }

    /** The next logical line, or null at the end. */
    Line next() throws IOException {
        String line = in.readLine();
        if (line == null) {
            return null;
        }
        long start = ++physical;
        if (!openQuote(line)) {
            return new Line(start, line);
        }
        StringBuilder logical = new StringBuilder(line);
        while (openQuote(logical)) {
            String more = in.readLine();
            if (more == null) {
                break; // unbalanced quote at the end of the file: parsing the row reports it
            }
            physical++;
            logical.append('\n').append(more);
            if (logical.length() > MAX_LINE_CHARS) {
                throw new MalformedFileException("a quoted field starting at line " + start + " runs past "
                        + MAX_LINE_CHARS + " characters");
            }
        }
        return new Line(start, logical.toString());
    }

    private static boolean openQuote(CharSequence text) {
        boolean open = false;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '"') {
                open = !open;
            }
        }
        return open;
    }
}
