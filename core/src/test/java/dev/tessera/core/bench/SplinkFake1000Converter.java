package dev.tessera.core.bench;

import dev.tessera.core.csv.CsvReader;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Converts Splink's {@code fake_1000.csv} ({@code unique_id,first_name,surname,dob,city,email,cluster})
 * to the canonical benchmark CSV. Usage: {@code SplinkFake1000Converter --out OUT FILE}. Every record gets
 * the source {@code fake_1000}; {@code unique_id} is both record id and source id; {@code cluster} is the
 * truth. There is no phone, street, postcode or country in this set (written empty).
 */
public final class SplinkFake1000Converter {

    static final String SOURCE = "fake_1000";
    private static final List<String> REQUIRED = List.of("unique_id", "first_name", "surname", "dob", "city",
            "email", "cluster");

    private SplinkFake1000Converter() {}

    public static void main(String[] args) throws IOException {
        Path out = null;
        Path in = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--out") && i + 1 < args.length) {
                out = Path.of(args[++i]);
            } else if (!args[i].startsWith("--") && in == null) {
                in = Path.of(args[i]);
            } else {
                usage("unexpected argument " + args[i]);
            }
        }
        if (out == null || in == null) {
            usage("--out and an input file are required");
        }
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        ConversionSummary summary;
        try (Reader reader = Files.newBufferedReader(in, StandardCharsets.UTF_8);
                Writer writer = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            summary = convert(reader, writer);
        }
        System.err.printf("fake_1000: wrote %s: %d records, %d clusters, %d true pairs, %d invalid dates emptied%n",
                out, summary.records(), summary.entities(), summary.truePairs(), summary.invalidDates());
    }

    private static void usage(String problem) {
        System.err.println("SplinkFake1000Converter: " + problem);
        System.err.println("usage: SplinkFake1000Converter --out OUT.csv fake_1000.csv");
        System.exit(2);
    }

    static ConversionSummary convert(Reader in, Writer out) throws IOException {
        CsvReader csv = new CsvReader(in);
        List<String> header = csv.next();
        if (header == null) {
            throw new IllegalArgumentException("empty input");
        }
        Map<String, Integer> at = new HashMap<>();
        for (int i = 0; i < header.size(); i++) {
            at.put(header.get(i).strip(), i);
        }
        for (String column : REQUIRED) {
            if (!at.containsKey(column)) {
                throw new IllegalArgumentException("no column " + column);
            }
        }
        CanonicalCsv.RowWriter writer = new CanonicalCsv.RowWriter(out, List.of());
        Set<String> ids = new HashSet<>();
        Map<String, Integer> clusterSizes = new HashMap<>();
        int invalidDates = 0;
        List<String> cells;
        while ((cells = csv.next()) != null) {
            if (cells.size() != header.size()) {
                throw new IllegalArgumentException("line " + csv.lineNumber() + ": " + cells.size()
                        + " cells, header has " + header.size());
            }
            String id = cells.get(at.get("unique_id")).strip();
            if (id.isEmpty() || !ids.add(id)) {
                throw new IllegalArgumentException("line " + csv.lineNumber() + ": missing or repeated unique_id");
            }
            String cluster = cells.get(at.get("cluster")).strip();
            if (cluster.isEmpty()) {
                throw new IllegalArgumentException("line " + csv.lineNumber() + ": no cluster");
            }
            clusterSizes.merge(cluster, 1, Integer::sum);
            String rawDate = cells.get(at.get("dob"));
            String birthDate = CanonicalCsv.isoDateOrEmpty(rawDate);
            if (birthDate.isEmpty() && !rawDate.isBlank()) {
                invalidDates++;
            }
            Map<String, String> row = new LinkedHashMap<>();
            row.put("record_id", id);
            row.put("source", SOURCE);
            row.put("source_id", id);
            row.put("first_name", cells.get(at.get("first_name")));
            row.put("last_name", cells.get(at.get("surname")));
            row.put("email", cells.get(at.get("email")));
            row.put("birth_date", birthDate);
            row.put("city", cells.get(at.get("city")));
            row.put(CanonicalCsv.TRUTH, cluster);
            writer.write(row);
        }
        out.flush();
        long truePairs = clusterSizes.values().stream().mapToLong(PairwiseMetrics::pairs).sum();
        return new ConversionSummary(ids.size(), clusterSizes.size(), truePairs, invalidDates);
    }
}
