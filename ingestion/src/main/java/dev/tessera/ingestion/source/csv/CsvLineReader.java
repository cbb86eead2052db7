package dev.tessera.ingestion.source.csv;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Splits CSV text into logical lines: a line break inside a quoted field belongs to the field. Each
 * line is returned exactly as written (without its terminator), so a rejected row can be kept verbatim.
 *
 * <p>A stray quote (an unescaped {@code "} in an unquoted cell, or a quoted cell never closed) looks like
 * the start of a multi-line field and would swallow the rows after it. So a logical line that grows past
 * {@link #MAX_LINE_CHARS} is not joined: its first physical line comes back alone and the following lines
 * are read again. {@link #separately} does the same for a line the caller found to hold several rows.
 */
final class CsvLineReader {

    /** Longest logical line joined; a quote still open beyond it is taken for a stray one. */
    static final int MAX_LINE_CHARS = 1 << 20;

    /** One logical line and the physical line number it starts on (1-based). */
    record Line(long number, String text) {

        /** True when the line was joined from several physical lines (a quoted line break, or a stray quote). */
        boolean multiLine() {
            return text.indexOf('\n') >= 0;
        }
    }

    /** A physical line read ahead and given back; {@code alone}: returned as it is, never joined. */
    private record Pending(long number, String text, boolean alone) {}

    private final BufferedReader in;
    private final Deque<Pending> pending = new ArrayDeque<>();
    private long physical;

    CsvLineReader(Reader reader) {
        this.in = reader instanceof BufferedReader b ? b : new BufferedReader(reader, 1 << 16);
    }

    /** The next logical line, or null at the end. */
    Line next() throws IOException {
        Pending first = nextPhysical();
        if (first == null) {
            return null;
        }
        if (first.alone() || !openQuote(first.text())) {
            return new Line(first.number(), first.text());
        }
        List<Pending> joined = new ArrayList<>();
        joined.add(first);
        StringBuilder logical = new StringBuilder(first.text());
        boolean open = true; // the parity of the quotes so far, kept line by line (no rescans of the buffer)
        while (open) {
            Pending more = nextPhysical();
            if (more == null) {
                break; // unbalanced quote at the end of the file: parsing the row reports it
            }
            joined.add(more);
            logical.append('\n').append(more.text());
            open ^= openQuote(more.text());
            if (logical.length() > MAX_LINE_CHARS) {
                giveBack(joined);
                Pending alone = pending.pollFirst();
                return new Line(alone.number(), alone.text());
            }
        }
        return new Line(first.number(), logical.toString());
    }

    /**
     * Gives a logical line back to be read again one physical line at a time: its first line alone (where
     * the stray quote is), then the others as usual. For a multi-line row whose cells do not fit the header
     * while the lines after its first are rows of their own.
     */
    void separately(Line line) {
        String[] parts = line.text().split("\n", -1);
        List<Pending> back = new ArrayList<>(parts.length);
        for (int i = 0; i < parts.length; i++) {
            back.add(new Pending(line.number() + i, parts[i], false));
        }
        giveBack(back);
    }

    /** Puts these physical lines back in front, the first of them to be returned alone. */
    private void giveBack(List<Pending> lines) {
        for (int i = lines.size() - 1; i > 0; i--) {
            Pending p = lines.get(i);
            pending.addFirst(new Pending(p.number(), p.text(), false));
        }
        pending.addFirst(new Pending(lines.get(0).number(), lines.get(0).text(), true));
    }

    private Pending nextPhysical() throws IOException {
        Pending back = pending.pollFirst();
        if (back != null) {
            return back;
        }
        String line = readLine();
        return line == null ? null : new Pending(++physical, line, false);
    }

    /** The longest physical line read: a file without line breaks (matched by mistake) is refused, not loaded. */
    static final int MAX_PHYSICAL_LINE_CHARS = 16 * MAX_LINE_CHARS;

    /** {@link BufferedReader#readLine}, refusing a line longer than {@link #MAX_PHYSICAL_LINE_CHARS}. */
    private String readLine() throws IOException {
        StringBuilder line = null;
        while (true) {
            int c = in.read();
            if (c < 0) {
                return line == null ? null : line.toString();
            }
            if (line == null) {
                line = new StringBuilder(128);
            }
            if (c == '\n') {
                return line.toString();
            }
            if (c == '\r') {
                in.mark(1);
                if (in.read() != '\n') {
                    in.reset();
                }
                return line.toString();
            }
            if (line.length() >= MAX_PHYSICAL_LINE_CHARS) {
                throw new MalformedFileException("line " + (physical + 1) + " is longer than " + MAX_PHYSICAL_LINE_CHARS
                        + " characters: not a CSV file of rows (one without line breaks?)");
            }
            line.append((char) c);
        }
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
