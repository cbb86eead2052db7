package dev.tessera.core.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Converts Febrl data sets (febrl1-3 for deduplication, febrl4a + febrl4b for linkage) to the canonical
 * benchmark CSV. Usage: {@code FebrlConverter --out OUT INPUT...}, where each INPUT is {@code FILE} or
 * {@code SOURCE=FILE}. One plain file gets the source {@code febrl}; several plain files get {@code a},
 * {@code b}, ... in order (so {@code dataset4a.csv dataset4b.csv} becomes sources a and b).
 *
 * <p>Febrl quirks handled: cells are separated by comma plus space (sometimes two spaces), so every cell
 * is stripped; {@code dataset4a.csv} has CRLF line endings and no final newline; dates are
 * {@code yyyymmdd} and may be corrupted (written empty). The truth {@code cluster} is N of
 * {@code rec-N-org} / {@code rec-N-dup-k}. The social security number is kept in the extra column
 * {@code soc_sec_id} (not an identifier); {@code address_2} and {@code state} are extra columns too.
 */
public final class FebrlConverter {

    static final List<String> EXTRA = List.of("address_2", "state", "soc_sec_id");
    private static final Pattern REC_ID = Pattern.compile("rec-([0-9]+)-(org|dup-[0-9]+)");
    private static final List<String> REQUIRED = List.of("rec_id", "given_name", "surname", "street_number",
            "address_1", "address_2", "suburb", "postcode", "state", "date_of_birth", "soc_sec_id");

    /** One input file and the source name its records get. */
    record Input(String source, Reader reader, String name) {}


    private FebrlConverter() {}

    public static void main(String[] args) throws IOException {
        Path out = null;
        List<String> specs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--out") && i + 1 < args.length) {
                out = Path.of(args[++i]);
            } else if (args[i].startsWith("--")) {
                usage("unknown option " + args[i]);
            } else {
                specs.add(args[i]);
            }
        }
        if (out == null || specs.isEmpty()) {
            usage("--out and at least one input are required");
        }
        List<Input> inputs = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            String spec = specs.get(i);
            int eq = spec.indexOf('=');
            String source = eq > 0 ? spec.substring(0, eq)
                    : specs.size() == 1 ? "febrl" : String.valueOf((char) ('a' + i));
            Path file = Path.of(eq > 0 ? spec.substring(eq + 1) : spec);
            inputs.add(new Input(source, Files.newBufferedReader(file, StandardCharsets.UTF_8), file.toString()));
        }
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        ConversionSummary summary;
        try (Writer writer = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            summary = convert(inputs, writer);
        } finally {
            for (Input input : inputs) {
                input.reader().close();
            }
        }
        System.err.printf("febrl: wrote %s: %d records, %d entities, %d true pairs, %d invalid dates emptied%n",
                out, summary.records(), summary.entities(), summary.truePairs(), summary.invalidDates());
    }

    private static void usage(String problem) {
        System.err.println("FebrlConverter: " + problem);
        System.err.println("usage: FebrlConverter --out OUT.csv [SOURCE=]FILE [[SOURCE=]FILE ...]");
        System.exit(2);
    }

    /** Converts the inputs, in order, into one canonical CSV. */
    static ConversionSummary convert(List<Input> inputs, Writer out) throws IOException {
        Set<String> recordIds = new HashSet<>();
        Map<String, Integer> entitySizes = new HashMap<>();
        int invalidDates = 0;
        CanonicalCsv.RowWriter writer = new CanonicalCsv.RowWriter(out, EXTRA);
        for (Input input : inputs) {
            BufferedReader reader = new BufferedReader(input.reader());
            String headerLine = reader.readLine();
            if (headerLine == null) {
                throw new IllegalArgumentException(input.name() + ": empty file");
            }
            List<String> header = split(headerLine.replace("\uFEFF", ""));
            Map<String, Integer> at = new HashMap<>();
            for (int i = 0; i < header.size(); i++) {
                at.put(header.get(i), i);
            }
            for (String column : REQUIRED) {
                if (!at.containsKey(column)) {
                    throw new IllegalArgumentException(input.name() + ": no column " + column);
                }
            }
            String line;
            int lineNumber = 1;
            while ((line = reader.readLine()) != null) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                List<String> cells = split(line);
                if (cells.size() != header.size()) {
                    throw new IllegalArgumentException(input.name() + " line " + lineNumber + ": "
                            + cells.size() + " cells, header has " + header.size());
                }
                String recId = cells.get(at.get("rec_id"));
                Matcher m = REC_ID.matcher(recId);
                if (!m.matches()) {
                    throw new IllegalArgumentException(input.name() + " line " + lineNumber + ": rec_id "
                            + recId + " is not rec-N-org or rec-N-dup-K");
                }
                if (!recordIds.add(recId)) {
                    throw new IllegalArgumentException(input.name() + " line " + lineNumber + ": rec_id "
                            + recId + " appears twice");
                }
                String rawDate = cells.get(at.get("date_of_birth"));
                String birthDate = CanonicalCsv.compactDateToIso(rawDate);
                if (birthDate.isEmpty() && !rawDate.isEmpty()) {
                    invalidDates++;
                }
                String entity = String.valueOf(Long.parseLong(m.group(1)));
                entitySizes.merge(entity, 1, Integer::sum);
                Map<String, String> row = new LinkedHashMap<>();
                row.put("record_id", recId);
                row.put("source", input.source());
                row.put("source_id", recId);
                row.put("first_name", cells.get(at.get("given_name")));
                row.put("last_name", cells.get(at.get("surname")));
                row.put("birth_date", birthDate);
                row.put("street", CanonicalCsv.street(cells.get(at.get("street_number")), cells.get(at.get("address_1"))));
                row.put("city", cells.get(at.get("suburb")));
                row.put("postcode", cells.get(at.get("postcode")));
                row.put("country", "AU");
                row.put(CanonicalCsv.TRUTH, entity);
                row.put("address_2", cells.get(at.get("address_2")));
                row.put("state", cells.get(at.get("state")));
                row.put("soc_sec_id", cells.get(at.get("soc_sec_id")));
                writer.write(row);
            }
        }
        out.flush();
        long truePairs = entitySizes.values().stream().mapToLong(PairwiseMetrics::pairs).sum();
        return new ConversionSummary(recordIds.size(), entitySizes.size(), truePairs, invalidDates);
    }

    /** Febrl cells: separated by commas, padded with spaces, never quoted. */
    static List<String> split(String line) {
        String[] parts = line.split(",", -1);
        List<String> cells = new ArrayList<>(parts.length);
        for (String part : parts) {
            cells.add(part.strip());
        }
        return cells;
    }
}
