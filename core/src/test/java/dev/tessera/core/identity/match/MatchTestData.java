package dev.tessera.core.identity.match;

import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.Identifier;
import dev.tessera.core.model.SourceRecordId;
import dev.tessera.core.normalize.Identifiers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The labelled benchmark files in {@code ../shared/data} (next to the project root) as records with their
 * true entity. Tests run with the module as working directory, so the project root is found by walking up
 * to the outermost folder holding a {@code pom.xml}.
 */
final class MatchTestData {

    private static final Identifiers IDENTIFIERS = new Identifiers("GB");
    private static final Instant AT = Instant.parse("2025-01-01T00:00:00Z");

    /** A record and the id of the person it describes. */
    record Labelled(CustomerRecord record, String entity) {}

    /** A clerically labelled pair, by index into the record list. */
    record LabelledPair(int left, int right, boolean match) {}

    private MatchTestData() {}

    /** {@code ../shared/data} seen from the project root, if present. */
    static Optional<Path> sharedData() {
        Path dir = Path.of("").toAbsolutePath();
        Path root = null;
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.exists(p.resolve("pom.xml"))) {
                root = p;
            }
        }
        if (root == null || root.getParent() == null) {
            return Optional.empty();
        }
        Path data = root.getParent().resolve("shared").resolve("data");
        return Files.isDirectory(data) ? Optional.of(data) : Optional.empty();
    }

    /** Splink's fake_1000: unique_id,first_name,surname,dob,city,email,cluster; index = unique_id. */
    static List<Labelled> fake1000(Path data) {
        List<Labelled> out = new ArrayList<>();
        for (String line : lines(data.resolve("splink_fake_1000/fake_1000.csv"), true)) {
            String[] c = line.split(",", -1);
            Map<String, String> attributes = new HashMap<>();
            put(attributes, "first_name", c[1]);
            put(attributes, "last_name", c[2]);
            put(attributes, "birth_date", c[3]);
            put(attributes, "city", c[4]);
            List<Identifier> identifiers = new ArrayList<>();
            IDENTIFIERS.email(c[5]).ifPresent(identifiers::add);
            out.add(new Labelled(new CustomerRecord(new SourceRecordId("fake", c[0]), AT, identifiers, attributes), c[6]));
        }
        return out;
    }

    static List<LabelledPair> fake1000Labels(Path data) {
        List<LabelledPair> out = new ArrayList<>();
        for (String line : lines(data.resolve("splink_fake_1000/fake_1000_labels.csv"), true)) {
            String[] c = line.split(",", -1);
            out.add(new LabelledPair(Integer.parseInt(c[0]), Integer.parseInt(c[2]), Double.parseDouble(c[4]) > 0.5));
        }
        return out;
    }

    /**
     * A Febrl file: street = street_number + address_1, suburb as city; the social security number is left
     * out (the canonical format has no column for it). Entity = the N of {@code rec-N-org/dup-k}.
     */
    static List<Labelled> febrl(Path data, String file) {
        List<Labelled> out = new ArrayList<>();
        for (String line : lines(data.resolve("febrl").resolve(file), true)) {
            String[] c = line.split(",", -1);
            for (int i = 0; i < c.length; i++) {
                c[i] = c[i].strip();
            }
            Map<String, String> attributes = new LinkedHashMap<>();
            put(attributes, "first_name", c[1]);
            put(attributes, "last_name", c[2]);
            put(attributes, "street", (c[3] + " " + c[4]).strip());
            put(attributes, "city", c[6]);
            put(attributes, "postcode", c[7]);
            put(attributes, "birth_date", c[9]);
            String entity = c[0].split("-")[1];
            out.add(new Labelled(new CustomerRecord(new SourceRecordId("febrl", c[0]), AT, List.of(), attributes), entity));
        }
        return out;
    }

    private static void put(Map<String, String> attributes, String name, String value) {
        if (value != null && !value.isBlank()) {
            attributes.put(name, value);
        }
    }

    private static List<String> lines(Path file, boolean skipHeader) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            List<String> out = new ArrayList<>();
            for (int i = skipHeader ? 1 : 0; i < all.size(); i++) {
                String line = all.get(i).replace("\r", "");
                if (!line.isBlank()) {
                    out.add(line);
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
