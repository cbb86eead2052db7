package dev.tessera.core.bench;

import java.io.Closeable;
import java.io.IOException;
import java.io.Writer;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The canonical benchmark format: one person record per row with the columns {@link #COLUMNS}, then the
 * truth column {@link #TRUTH} and any extra columns (which the benchmark ignores). Empty cells are allowed;
 * {@code birth_date} is ISO {@code yyyy-mm-dd} or empty.
 */
public final class CanonicalCsv {

    public static final List<String> COLUMNS = List.of("record_id", "source", "source_id", "first_name",
            "last_name", "email", "phone", "birth_date", "street", "city", "postcode", "country");
    /** The ground-truth entity id written by the converters. */
    public static final String TRUTH = "cluster";

    private static final DateTimeFormatter COMPACT = DateTimeFormatter.ofPattern("uuuuMMdd")
            .withResolverStyle(ResolverStyle.STRICT);

    private CanonicalCsv() {}

    /** Writes the header (canonical columns, truth, extras) and then rows given as column → value maps. */
    public static final class RowWriter implements Closeable {

        private final Csv.CsvWriter csv;
        private final List<String> header = new ArrayList<>(COLUMNS);

        public RowWriter(Writer out, List<String> extraColumns) {
            this.csv = new Csv.CsvWriter(out);
            header.add(TRUTH);
            header.addAll(extraColumns);
            csv.row(header);
        }

        /** Writes one row; columns missing from {@code values} are written empty, unknown ones are an error. */
        public void write(Map<String, String> values) {
            for (String column : values.keySet()) {
                if (!header.contains(column)) {
                    throw new IllegalArgumentException("unknown column " + column);
                }
            }
            List<String> cells = new ArrayList<>(header.size());
            for (String column : header) {
                String value = values.get(column);
                cells.add(value == null ? "" : value.strip());
            }
            csv.row(cells);
        }

        @Override
        public void close() throws IOException {
            csv.close();
        }
    }

    /** A Febrl {@code yyyymmdd} date as ISO {@code yyyy-mm-dd}; empty when missing or not a real date. */
    public static String compactDateToIso(String raw) {
        String value = raw == null ? "" : raw.strip();
        if (!value.matches("[0-9]{8}")) {
            return "";
        }
        try {
            return LocalDate.parse(value, COMPACT).toString();
        } catch (DateTimeParseException e) {
            return "";
        }
    }

    /** An ISO {@code yyyy-mm-dd} date unchanged when it is a real date, else empty. */
    public static String isoDateOrEmpty(String raw) {
        String value = raw == null ? "" : raw.strip();
        if (!value.matches("[0-9]{4}-[0-9]{2}-[0-9]{2}")) {
            return "";
        }
        try {
            return LocalDate.parse(value).toString();
        } catch (DateTimeParseException e) {
            return "";
        }
    }

    /** House number and street line joined by one space; either may be empty. */
    public static String street(String number, String line) {
        String n = number == null ? "" : number.strip();
        String l = line == null ? "" : line.strip();
        return n.isEmpty() ? l : l.isEmpty() ? n : n + " " + l;
    }
}
