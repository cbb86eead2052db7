package dev.tessera.core.identity.match;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.core.identity.IdentityResolver;
import dev.tessera.core.identity.IdentitySettings;
import dev.tessera.core.identity.match.MatchTestData.Labelled;
import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.Identifier;
import dev.tessera.core.model.IdentifierType;
import dev.tessera.core.store.ProfileStore;
import dev.tessera.core.store.RedisConnection;
import dev.tessera.core.testing.RedisTestSupport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EstimateModelCommandTest {

    private static final List<CustomerRecord> RECORDS = SyntheticPeople.generate(400, 11, false).stream()
            .map(Labelled::record).toList();
    private static final String HEADER = "record_id,source,source_id,first_name,last_name,email,phone,birth_date,"
            + "street,city,postcode,country,cluster";

    @TempDir
    static Path dir;

    /** The outcome of one run: exit code and what it printed. */
    private record Result(int code, String out, String err) {}

    private static Result run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = EstimateModelCommand.run(args, env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Result run(String... args) {
        return run(Map.of(), args);
    }

    private static String[] with(String[] first, String... rest) {
        String[] all = java.util.Arrays.copyOf(first, first.length + rest.length);
        System.arraycopy(rest, 0, all, first.length, rest.length);
        return all;
    }

    @BeforeAll
    static void writeCsv() throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add(HEADER);
        for (CustomerRecord r : RECORDS) {
            Map<String, String> a = r.attributes();
            String email = r.identifiers().stream().filter(i -> i.type() == IdentifierType.EMAIL)
                    .map(Identifier::value).findFirst().orElse("");
            String phone = r.identifiers().stream().filter(i -> i.type() == IdentifierType.PHONE)
                    .map(Identifier::value).findFirst().orElse("");
            lines.add(String.join(",", List.of(r.id().sourceId(), r.id().source(), r.id().sourceId(),
                    csv(a.get("first_name")), csv(a.get("last_name")), csv(email), csv(phone),
                    csv(a.get("birth_date")), csv(a.get("street")), csv(a.get("city")), csv(a.get("postcode")),
                    csv(a.get("country")), "x")));
        }
        Files.write(dir.resolve("people.csv"), lines, StandardCharsets.UTF_8);
    }

    private static String csv(String value) {
        if (value == null) {
            return "";
        }
        return value.contains(",") || value.contains("\"") ? "\"" + value.replace("\"", "\"\"") + "\"" : value;
    }

    private static MatchModel assertUsableModel(Path file) throws IOException {
        MatchModel model = MatchModel.fromJson(Files.readString(file));
        assertThat(model.weight(MatchField.FIRST_NAME, ComparisonLevel.EXACT)).isPositive();
        assertThat(model.weight(MatchField.FIRST_NAME, ComparisonLevel.DIFFERENT)).isNegative();
        assertThat(model.weight(MatchField.BIRTH_DATE, ComparisonLevel.EXACT)).isPositive();
        assertThat(model.weight(MatchField.BIRTH_DATE, ComparisonLevel.DIFFERENT)).isNegative();
        assertThat(model.lambda()).isBetween(1e-6, 1 - 1e-6);
        assertThat(model.dependentGroups()).isEqualTo(MatchModel.defaults().dependentGroups());
        return model;
    }

    private static void assertNoPersonalData(String output) {
        for (CustomerRecord r : RECORDS.subList(0, 50)) {
            for (String value : r.attributes().values()) {
                if (value.length() >= 6 && !value.matches("[0-9 -]+")) {
                    assertThat(output).doesNotContain(value);
                }
            }
            for (Identifier id : r.identifiers()) {
                assertThat(output).doesNotContain(id.value());
            }
        }
    }

    @Test
    void estimatesFromTheRecordsStoredInRedisWithoutWritingToIt() throws IOException {
        RedisTestSupport.flush();
        try (RedisConnection connection = RedisTestSupport.connect()) {
            IdentityResolver resolver = IdentitySettings.defaults().resolver(new ProfileStore(connection),
                    Clock.systemUTC());
            RECORDS.forEach(resolver::resolve);
        }
        long keysBefore;
        try (RedisConnection connection = RedisTestSupport.connect()) {
            keysBefore = connection.commands().dbsize();
        }
        Path out = dir.resolve("redis/model.json");

        // on the test cluster the command walks every master's keys (--cluster)
        String url = RedisTestSupport.settings().url();
        String[] topology = RedisTestSupport.settings().cluster() ? new String[] {"--cluster"} : new String[0];
        Result result = run(Map.of("REDIS_URL", url), with(topology, "--out", out.toString(), "--seed", "3"));

        assertThat(result.code()).as(result.err()).isZero();
        MatchModel model = assertUsableModel(out);
        assertThat(result.out())
                .contains("records used: " + RECORDS.size() + " ")
                .contains("candidate pairs: ")
                .contains("lambda: ")
                .containsPattern("first_name +[0-9.]+%  +[0-9.]+ / [0-9.e-]+ / \\+[0-9.]+ +[0-9.]+ / [0-9.e-]+ / -[0-9.]+")
                .containsPattern("country +0\\.0%.*not in the data: starting values kept")
                .contains("use it: tessera.identity.model=" + out.toAbsolutePath().normalize());
        assertThat(result.out() + result.err()).doesNotContain("@");
        assertNoPersonalData(result.out() + result.err());
        try (RedisConnection connection = RedisTestSupport.connect()) {
            assertThat(connection.commands().dbsize()).isEqualTo(keysBefore);
        }

        // --redis names the server explicitly; a smaller sample is deterministic for its seed.
        Path small1 = dir.resolve("small1.json");
        Path small2 = dir.resolve("small2.json");
        assertThat(run(with(topology, "--redis", url, "--out", small1.toString(), "--sample", "300", "--seed", "9"))
                .code()).isZero();
        Result again = run(with(topology, "--redis", url, "--out", small2.toString(), "--sample", "300",
                "--seed", "9"));
        assertThat(again.code()).isZero();
        assertThat(again.out()).contains("records used: 300 ");
        assertThat(Files.readString(small2)).isEqualTo(Files.readString(small1));
        assertThat(Files.readString(small1)).isNotEqualTo(model.toJson() + "\n");
    }

    @Test
    void estimatesFromACanonicalCsv() throws IOException {
        Path out = dir.resolve("csv-model.json");

        Result result = run("--input", dir.resolve("people.csv").toString(), "--out", out.toString());

        assertThat(result.code()).as(result.err()).isZero();
        assertUsableModel(out);
        assertThat(result.out()).contains("records used: " + RECORDS.size() + " ")
                .contains("csv " + dir.resolve("people.csv"));
        assertNoPersonalData(result.out() + result.err());
        // The same input and seed give the same file.
        Path again = dir.resolve("csv-model-2.json");
        assertThat(run("--input", dir.resolve("people.csv").toString(), "--out", again.toString()).code()).isZero();
        assertThat(Files.readString(again)).isEqualTo(Files.readString(out));
    }

    @Test
    void sampleDoesNotDependOnArrivalOrder() {
        EstimateModelCommand.Sampler forward = new EstimateModelCommand.Sampler(100, 5);
        EstimateModelCommand.Sampler backward = new EstimateModelCommand.Sampler(100, 5);
        RECORDS.forEach(forward::offer);
        List<CustomerRecord> reversed = new ArrayList<>(RECORDS);
        java.util.Collections.reverse(reversed);
        reversed.forEach(backward::offer);
        assertThat(forward.sample()).hasSize(100).isEqualTo(backward.sample());
        EstimateModelCommand.Sampler otherSeed = new EstimateModelCommand.Sampler(100, 6);
        RECORDS.forEach(otherSeed::offer);
        assertThat(otherSeed.sample()).isNotEqualTo(forward.sample());
    }

    @Test
    void usageErrorsExitWithTwo() throws IOException {
        String csv = dir.resolve("people.csv").toString();
        String out = dir.resolve("never.json").toString();
        assertThat(run().code()).isEqualTo(2);
        assertThat(run("--help").code()).isZero();
        assertThat(run("--input", csv).err()).contains("--out FILE is required");
        assertThat(run("--input", csv).code()).isEqualTo(2);
        assertThat(run("--out").code()).isEqualTo(2);
        assertThat(run("--out", out, "--bogus").err()).contains("unknown argument '--bogus'");
        assertThat(run("--out", out, "--input", csv, "--redis", "redis://localhost:1").code()).isEqualTo(2);
        assertThat(run("--out", out, "--input", csv, "--sample", "1").err()).contains("--sample must be an integer >= 2");
        assertThat(run("--out", out, "--input", csv, "--sample", "many").code()).isEqualTo(2);
        assertThat(run("--out", out, "--input", csv, "--seed", "x").code()).isEqualTo(2);
        assertThat(run("--out", out, "--input", dir.resolve("absent.csv").toString()).err()).contains("not a readable file");
        assertThat(run("--out", dir.toString(), "--input", csv).err()).contains("is a directory");
        assertThat(run("--out", csv, "--input", csv).code()).isEqualTo(2);
        assertThat(run("--out", out, "--redis", "http://localhost:6379").err()).contains("invalid Redis URL");
        assertThat(run("--out", out, "--redis", "redis://localhost:6379", "--phone-region", "DE").code()).isEqualTo(2);
        assertThat(run("--out", out, "--out", out, "--input", csv).err()).contains("given twice");
        assertThat(Files.exists(Path.of(out))).isFalse();
    }

    @Test
    void failuresExitWithOne() throws IOException {
        Path notCanonical = dir.resolve("other.csv");
        Files.writeString(notCanonical, "id,name\n1,x\n");
        Path out = dir.resolve("failed.json");
        Result wrongColumns = run("--input", notCanonical.toString(), "--out", out.toString());
        assertThat(wrongColumns.code()).isEqualTo(1);
        assertThat(wrongColumns.err()).contains("not a canonical CSV");

        Path oneRow = dir.resolve("one.csv");
        Files.writeString(oneRow, HEADER + "\n1,crm,1,Ann,Lee,,,,,,,,c\n");
        Result tooFew = run("--input", oneRow.toString(), "--out", out.toString());
        assertThat(tooFew.code()).isEqualTo(1);
        assertThat(tooFew.err()).contains("too few records").doesNotContain("Ann");

        Result noRedis = run("--redis", "redis://127.0.0.1:1", "--out", out.toString());
        assertThat(noRedis.code()).isEqualTo(1);
        assertThat(noRedis.err()).contains("cannot connect to Redis at redis://127.0.0.1:1");
        assertThat(Files.exists(out)).isFalse();
    }

    @Test
    void csvReaderHandlesQuotesAndLineBreaks() {
        var reader = new dev.tessera.core.csv.CsvReader(new java.io.StringReader(
                "\uFEFFa,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\n\n1,,3"));
        assertThat(reader.next()).containsExactly("a", "b", "c");
        assertThat(reader.next()).containsExactly("x, y", "say \"hi\"", "two\nlines");
        assertThat(reader.next()).containsExactly("1", "", "3");
        assertThat(reader.lineNumber()).isEqualTo(5);
        assertThat(reader.next()).isNull();
    }
}
