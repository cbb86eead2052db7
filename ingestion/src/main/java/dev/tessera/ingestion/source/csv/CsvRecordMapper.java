package dev.tessera.ingestion.source.csv;

import dev.tessera.core.model.Attributes;
import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.Identifier;
import dev.tessera.core.model.SourceRecordId;
import dev.tessera.core.normalize.CountryCodes;
import dev.tessera.core.normalize.Identifiers;
import dev.tessera.core.store.RedisKeys;
import dev.tessera.ingestion.system.IngestionProperties.Mapping;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Turns the rows of one CSV file into canonical {@link CustomerRecord}s following a source's column
 * mapping. Built per file from its header; stateless after that, so one instance may map rows in parallel.
 */
final class CsvRecordMapper {

    private final String source;
    private final Mapping mapping;
    private final Identifiers identifiers;
    private final CSVFormat format;
    private final DateReader dates;
    private final int columns;
    private final Map<String, Integer> index;

    CsvRecordMapper(String source, Mapping mapping, Identifiers identifiers, char delimiter, String headerLine) {
        this.source = source;
        this.mapping = mapping;
        this.identifiers = identifiers;
        this.format = CSVFormat.DEFAULT.builder().setDelimiter(delimiter).get();
        this.dates = new DateReader(mapping.dateFormats(), ZoneId.of(mapping.timeZone()));
        List<String> header;
        try {
            header = parse(stripBom(headerLine)).stream().map(String::strip).toList();
        } catch (RowRejectedException e) {
            throw new MalformedFileException("the header line cannot be read: " + e.getMessage());
        }
        this.columns = header.size();
        this.index = new HashMap<>();
        for (int i = 0; i < header.size(); i++) {
            Integer first = index.putIfAbsent(header.get(i), i);
            if (first != null) {
                // a file without a header line has a data row here: name the places, not a customer's email
                String name = mappedColumns().contains(header.get(i)) ? "'" + header.get(i) + "' " : "";
                throw new MalformedFileException("the header names column " + name + "twice (columns " + (first + 1)
                        + " and " + (i + 1) + ")");
            }
        }
        for (String column : mappedColumns()) {
            if (!index.containsKey(column)) {
                throw new MalformedFileException("the header lacks column '" + column + "' named in the mapping");
            }
        }
        mapping.attributes().keySet().forEach(name -> {
            if (!Attributes.isValidName(name)) {
                throw new MalformedFileException("attribute name '" + name + "' must match " + Attributes.NAME_PATTERN);
            }
        });
    }

    /**
     * The row's source id for its dead letter, so an erasure compares that and nothing else in the row:
     * the id column's value, {@code ""} when the row has none readable, null when the mapping has no id
     * column (the row's content is its identity).
     */
    String sourceIdOf(String line) {
        if (mapping.sourceId() == null) {
            return null;
        }
        try {
            List<String> values = parse(line);
            return values.size() == columns ? values.get(index.get(mapping.sourceId())).strip() : "";
        } catch (RowRejectedException e) {
            return "";
        }
    }

    /**
     * The emails and phones that can be read from a row the mapping refused (a bad date in another column,
     * say), for the erasure check before it is dead-lettered; empty when the row's cells cannot be told apart.
     */
    List<Identifier> identifiersOf(String line) {
        List<String> values;
        try {
            values = parse(line);
        } catch (RowRejectedException e) {
            return List.of();
        }
        if (values.size() != columns) {
            return List.of();
        }
        List<Identifier> ids = new ArrayList<>();
        collectIdentifiers(column -> values.get(index.get(column)).strip(), ids, new HashMap<>());
        return ids;
    }

    /**
     * Adds the row's emails and phones (a cell may hold several; a national number is read in the row's own
     * country when the mapping has one, Identifiers.phones), the first of each kind also as the attribute.
     */
    private void collectIdentifiers(Function<String, String> cell, List<Identifier> ids,
            Map<String, String> attributes) {
        collect(mapping.email(), cell, identifiers::emails, Attributes.EMAIL, ids, attributes);
        String countryColumn = mapping.attributes().get(Attributes.COUNTRY);
        String country = countryColumn == null ? null : cell.apply(countryColumn);
        collect(mapping.phone(), cell, raw -> identifiers.phones(raw, country), Attributes.PHONE, ids, attributes);
    }

    /**
     * True when a line after the first of this multi-line row has exactly the header's cells by itself:
     * the row is then most likely a stray quote that swallowed the rows after it, not a quoted line break.
     */
    boolean swallowsRows(String multiLine) {
        String[] lines = multiLine.split("\n", -1);
        for (int i = 1; i < lines.length; i++) {
            try {
                if (parse(lines[i]).size() == columns) {
                    return true;
                }
            } catch (RowRejectedException e) {
                // not a row by itself
            }
        }
        return false;
    }

    /**
     * Maps one data row.
     *
     * @param fileTime observed-at time for sources that have no observed-at column
     * @throws RowRejectedException naming the column when the row cannot become a record
     */
    CustomerRecord map(String line, Instant fileTime) throws RowRejectedException {
        List<String> values = parse(line);
        if (values.size() != columns) {
            throw new RowRejectedException("row has " + values.size() + " columns, the header has " + columns, true);
        }
        Function<String, String> cell = column -> values.get(index.get(column)).strip();

        Map<String, String> attributes = new LinkedHashMap<>();
        List<Identifier> ids = new ArrayList<>();
        // a cell may hold several addresses or numbers ("a@x.com; b@y.com", "020 ... / 07700 ...")
        collectIdentifiers(cell, ids, attributes);

        for (Map.Entry<String, String> attribute : mapping.attributes().entrySet()) {
            String value = cell.apply(attribute.getValue());
            if (value.isEmpty()) {
                continue;
            }
            if (Attributes.COUNTRY.equals(attribute.getKey())) {
                value = CountryCodes.normalize(value); // one spelling per country: "Germany" → DE
            }
            if (mapping.dates().contains(attribute.getKey())) {
                value = dates.date(value).orElseThrow(() -> new RowRejectedException(
                        "column '" + attribute.getValue() + "' is not a date in " + mapping.dateFormats())).toString();
            }
            attributes.put(attribute.getKey(), value);
        }

        String sourceId;
        if (mapping.sourceId() != null) {
            sourceId = cell.apply(mapping.sourceId());
            if (sourceId.isEmpty()) {
                throw new RowRejectedException("column '" + mapping.sourceId() + "' (source id) is empty");
            }
        } else if (ids.isEmpty()) {
            throw new RowRejectedException("row has no identifier: no valid email or phone in "
                    + concat(mapping.email(), mapping.phone()));
        } else {
            // No id column: the row's content is its identity, so the same row delivered twice is one record.
            sourceId = "row-" + RedisKeys.digest(line);
        }

        Instant observedAt = fileTime;
        if (mapping.observedAt() != null && !cell.apply(mapping.observedAt()).isEmpty()) {
            observedAt = dates.instant(cell.apply(mapping.observedAt())).orElseThrow(() -> new RowRejectedException(
                    "column '" + mapping.observedAt() + "' is not a date-time in " + mapping.dateFormats()));
        }
        try {
            return new CustomerRecord(new SourceRecordId(source, sourceId), observedAt, ids, attributes);
        } catch (IllegalArgumentException e) {
            throw new RowRejectedException(e.getMessage());
        }
    }

    /**
     * Adds the normalised identifiers of these columns (a cell may hold several); the first of each kind
     * also becomes the attribute. A value that does not normalise is kept as the attribute (nothing is
     * lost) but links nothing.
     */
    private static void collect(List<String> columns, Function<String, String> cell,
            Function<String, List<Identifier>> normalise, String attribute, List<Identifier> ids,
            Map<String, String> attributes) {
        for (String column : columns) {
            String raw = cell.apply(column);
            if (raw.isEmpty()) {
                continue;
            }
            List<Identifier> found = normalise.apply(raw);
            ids.addAll(found);
            attributes.putIfAbsent(attribute, found.isEmpty() ? raw : found.get(0).value());
        }
    }

    private List<String> mappedColumns() {
        List<String> mapped = new ArrayList<>(concat(mapping.email(), mapping.phone()));
        mapped.addAll(mapping.attributes().values());
        if (mapping.sourceId() != null) {
            mapped.add(mapping.sourceId());
        }
        if (mapping.observedAt() != null) {
            mapped.add(mapping.observedAt());
        }
        return mapped;
    }

    private List<String> parse(String line) throws RowRejectedException {
        try (CSVParser parser = CSVParser.parse(new StringReader(line), format)) {
            Iterator<CSVRecord> records = parser.iterator();
            if (!records.hasNext()) {
                return List.of();
            }
            CSVRecord record = records.next();
            List<String> values = record.toList();
            if (records.hasNext()) {
                throw new RowRejectedException("row spans several records (stray line break)", true);
            }
            return values;
        } catch (IOException | UncheckedIOException | IllegalStateException e) {
            throw new RowRejectedException("row is not valid CSV (unbalanced or misplaced quote)", true);
        }
    }

    private static String stripBom(String line) {
        return line.startsWith("\uFEFF") ? line.substring(1) : line;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
