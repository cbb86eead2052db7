package dev.tessera.core.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.core.model.IdentifierType;
import dev.tessera.core.normalize.Identifiers;
import dev.tessera.core.store.RedisSettings;
import dev.tessera.core.testing.RedisTestServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdentityBenchmarkTest {

    private static final String CSV = """
            record_id,source,source_id,first_name,last_name,email,phone,birth_date,street,city,postcode,country,cluster,note
            r1,crm,1,Jane,Doe,jane@example.com,,1980-01-02,1 High St,London,N1 1AA,GB,p1,"extra, ignored"
            r2,shop,A-7,Jane,Doe,  JANE@example.com,,,,,,,p1,
            r3,crm,2,John,Roe,,020 7946 0958,,,,,,p2,
            r4,shop,B-9,Johnny,Roe,,+44 20 7946 0958,,,,,,p2,
            r5,crm,3,Jon,Roe,,,,,,,,p2,
            r6,crm,4,Ann,Lee,not-an-email,,,,,,,p3,
            """;

    @Test
    void readsCanonicalRowsIntoRecords() {
        IdentityBenchmark.Input input = IdentityBenchmark.read(new StringReader(CSV), "cluster", new Identifiers("GB"));

        assertThat(input.rows()).hasSize(6);
        assertThat(input.sources()).isEqualTo(2);
        assertThat(input.withEmail()).isEqualTo(2);
        assertThat(input.withPhone()).isEqualTo(2);
        assertThat(input.invalidEmail()).isEqualTo(1);
        assertThat(input.withoutIdentifier()).isEqualTo(2);
        IdentityBenchmark.Row first = input.rows().get(0);
        assertThat(first.recordId()).isEqualTo("r1");
        assertThat(first.truth()).isEqualTo("p1");
        assertThat(first.record().id().key()).isEqualTo("crm:1");
        assertThat(first.record().identifiers()).singleElement()
                .satisfies(id -> assertThat(id.type()).isEqualTo(IdentifierType.EMAIL));
        assertThat(first.record().attributes()).containsOnlyKeys(IdentityBenchmark.ATTRIBUTES)
                .containsEntry("street", "1 High St").containsEntry("birth_date", "1980-01-02");
        assertThat(input.rows().get(1).record().attributes()).containsOnlyKeys("first_name", "last_name");
    }

    /** Data of other origin: empty source cells, source names with spaces, a BOM, CRLF, labelled values. */
    @Test
    void readsSourcesAsTheyAreWrittenAndEmptyOnes() {
        String csv = "\uFEFFrecord_id,source,source_id,first_name,last_name,email,phone,birth_date,street,city,postcode,"
                + "country\r\n"
                + "1,CRM System,,Jane,Doe,Jane Doe <jane@example.com>,030 1234567,,,Berlin,,DE\r\n"
                + "2,,,Jane,Doe,,,,,,,\r\n"
                + "3,crm-system,7,Jo,Doe,,,,,,,\r\n";

        IdentityBenchmark.Input input = IdentityBenchmark.read(new StringReader(csv), null, new Identifiers("GB"));

        assertThat(input.rows()).extracting(r -> r.record().id().key()).containsExactly(
                IdentityBenchmark.sourceName("CRM System") + ":1", "input:2", "crm-system:7");
        assertThat(IdentityBenchmark.sourceName("CRM System")).startsWith("crm-system-").isNotEqualTo("crm-system");
        assertThat(IdentityBenchmark.sourceName("Ventes Équipe")).matches("ventes-equipe-[0-9a-f]{8}");
        assertThat(IdentityBenchmark.sourceName("!!!")).matches("src-[0-9a-f]{8}");
        assertThat(input.rows().get(0).record().identifiers()).extracting(i -> i.value())
                .containsExactlyInAnyOrder("jane@example.com", "+49301234567");

        // an id filled in from record_id must not land on another row's source record
        String header = "record_id,source,source_id,first_name,last_name,email,phone,birth_date,street,city,postcode,country\n";
        assertThatThrownBy(() -> IdentityBenchmark.read(new StringReader(header + "7,crm,,A,B,,,,,,,\n8,crm,7,C,D,,,,,,,\n"),
                null, new Identifiers("GB"))).hasMessageContaining("line 3").hasMessageContaining("crm:7");
        assertThatThrownBy(() -> IdentityBenchmark.read(new StringReader(header + "1,input,5,A,B,,,,,,,\n5,,,C,D,,,,,,,\n"),
                null, new Identifiers("GB"))).hasMessageContaining("input:5");
        // the same source record written twice is one record updated, as on ingestion
        assertThat(IdentityBenchmark.read(new StringReader(header + "1,crm,5,A,B,,,,,,,\n2,crm,5,A,B,,,,,,,\n"), null,
                new Identifiers("GB")).rows()).hasSize(2);
    }

    @Test
    void rejectsAnInputWithoutTheCanonicalColumns() {
        assertThatThrownBy(() -> IdentityBenchmark.read(new StringReader("record_id,source\n1,crm\n"), null,
                new Identifiers("GB"))).hasMessageContaining("source_id");
        assertThatThrownBy(() -> IdentityBenchmark.read(new StringReader(CSV), "truth", new Identifiers("GB")))
                .hasMessageContaining("truth");
    }

    @Test
    void resolvesAgainstRedisWritesProfilesAndEndsWithTheMetricsLine(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out.csv");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        IdentityBenchmark.Options options = optionsOnTheSample(dir, "--threads", "2");

        PairwiseMetrics metrics = IdentityBenchmark.benchmark(options, RedisSettings.of(RedisTestServer.url()),
                "test", new PrintStream(bytes, true, StandardCharsets.UTF_8));

        // the production (probabilistic) resolver: the email links r1+r2, the phone and John/Johnny link
        // r3+r4; Jon Roe carries nothing but a name, and a name alone does not link (the model's name-only
        // cap: it is what namesakes look like), so 2 of the 4 true pairs and nothing else
        assertThat(metrics).isEqualTo(new PairwiseMetrics(4, 2, 2));
        List<String> lines = Files.readAllLines(out);
        assertThat(lines.get(0)).isEqualTo("record_id,profile_id");
        Map<String, String> profileOf = lines.stream().skip(1).map(l -> l.split(",", -1))
                .collect(Collectors.toMap(c -> c[0], c -> c[1]));
        assertThat(profileOf).containsOnlyKeys("r1", "r2", "r3", "r4", "r5", "r6").doesNotContainValue("");
        assertThat(profileOf.get("r1")).isEqualTo(profileOf.get("r2"));
        assertThat(profileOf.get("r3")).isEqualTo(profileOf.get("r4")).isNotEqualTo(profileOf.get("r1"));
        assertThat(profileOf.get("r5")).isNotIn(profileOf.get("r1"), profileOf.get("r3"));
        assertThat(profileOf.get("r6")).isNotIn(profileOf.get("r1"), profileOf.get("r3"));
        String[] printed = bytes.toString(StandardCharsets.UTF_8).strip().split("\n");
        assertThat(printed[printed.length - 1])
                .matches("precision=1\\.0000 recall=0\\.5000 f1=0\\.6667 records_per_s=[0-9]+");
    }

    /** Threads sharing one store (as the apps wire it) resolve the same file to the same clusters. */
    @Test
    void threadsSharingOneStoreEndTheSame(@TempDir Path dir) throws Exception {
        IdentityBenchmark.Options options = optionsOnTheSample(dir, "--threads", "2", "--batch", "2",
                "--shared-store", "--warmup", "6");
        assertThat(options.shared()).isTrue();

        PairwiseMetrics metrics = IdentityBenchmark.benchmark(options, RedisSettings.of(RedisTestServer.url()),
                "test", new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));

        assertThat(metrics).isEqualTo(new PairwiseMetrics(4, 2, 2));
    }

    /**
     * --shuffle resolves the records in an order fixed by its seed (the run says so) and still writes every
     * record's profile; on this file the clusters do not depend on the order.
     */
    @Test
    void shufflesTheRecordsWithTheGivenSeed(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out.csv");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        IdentityBenchmark.Options options = optionsOnTheSample(dir, "--shuffle", "3");
        assertThat(options.shuffle()).isEqualTo(3L);

        PairwiseMetrics metrics = IdentityBenchmark.benchmark(options, RedisSettings.of(RedisTestServer.url()),
                "test", new PrintStream(bytes, true, StandardCharsets.UTF_8));

        assertThat(metrics).isEqualTo(new PairwiseMetrics(4, 2, 2));
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("order: shuffled with seed 3");
        List<String> ids = Files.readAllLines(out).stream().skip(1).map(l -> l.split(",", -1)[0]).toList();
        assertThat(ids).containsExactlyInAnyOrder("r1", "r2", "r3", "r4", "r5", "r6");
        List<IdentityBenchmark.Row> rows = IdentityBenchmark.read(new StringReader(CSV), "cluster",
                new Identifiers("GB")).rows();
        List<String> order = IdentityBenchmark.shuffled(rows, 3).stream().map(IdentityBenchmark.Row::recordId).toList();
        assertThat(ids).as("written in the order resolved").isEqualTo(order);
        assertThat(order).as("another order than the file's").isNotEqualTo(List.of("r1", "r2", "r3", "r4", "r5", "r6"));
        assertThat(IdentityBenchmark.shuffled(rows, 3)).as("the same seed, the same order").isEqualTo(IdentityBenchmark.shuffled(rows, 3));
    }

    /** Writes the sample CSV to {@code dir}/in.csv; options reading it, writing {@code dir}/out.csv, truth column {@code cluster}. */
    private static IdentityBenchmark.Options optionsOnTheSample(Path dir, String... more) throws Exception {
        Path input = dir.resolve("in.csv");
        Files.writeString(input, CSV);
        List<String> args = new java.util.ArrayList<>(List.of("--input", input.toString(),
                "--out", dir.resolve("out.csv").toString(), "--truth-column", "cluster"));
        args.addAll(List.of(more));
        return IdentityBenchmark.Options.parse(args.toArray(String[]::new));
    }

    /** A spreadsheet export in Windows-1252 (Jürgen Müller, Köln) is read as such, and the run says so. */
    @Test
    void anInputThatIsNotUtf8IsReadAsWindows1252(@TempDir Path dir) throws Exception {
        Path input = dir.resolve("in.csv");
        Files.writeString(input, "record_id,source,source_id,first_name,last_name,email,phone,birth_date,street,city,"
                + "postcode,country,cluster\n"
                + "1,crm,1,J\u00fcrgen,M\u00fcller,,,1980-01-02,,K\u00f6ln,,DE,a\n"
                + "2,crm,2,Juergen,Mueller,,,1980-01-02,,Cologne,,DE,a\n", java.nio.charset.Charset.forName("windows-1252"));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        IdentityBenchmark.Options options = IdentityBenchmark.Options.parse("--input", input.toString(),
                "--out", dir.resolve("out.csv").toString(), "--truth-column", "cluster");

        PairwiseMetrics metrics = IdentityBenchmark.benchmark(options, RedisSettings.of(RedisTestServer.url()), "test",
                new PrintStream(bytes, true, StandardCharsets.UTF_8));

        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("not UTF-8; read as windows-1252");
        assertThat(metrics).as("the umlauts were read, and the two spellings link").isEqualTo(new PairwiseMetrics(1, 1, 1));
    }

    @Test
    void withoutTruthPrintsNotApplicableMetrics(@TempDir Path dir) throws Exception {
        Path input = dir.resolve("in.csv");
        Files.writeString(input, CSV);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        IdentityBenchmark.Options options = IdentityBenchmark.Options.parse("--input", input.toString(),
                "--out", dir.resolve("out.csv").toString(), "--warmup", "3");

        IdentityBenchmark.benchmark(options, RedisSettings.of(RedisTestServer.url()), "test",
                new PrintStream(bytes, true, StandardCharsets.UTF_8));

        String[] printed = bytes.toString(StandardCharsets.UTF_8).strip().split("\n");
        assertThat(printed[printed.length - 1]).matches("precision=NA recall=NA f1=NA records_per_s=[0-9]+");
    }

    @Test
    void parsesOptionsStrictly() {
        IdentityBenchmark.Options options = IdentityBenchmark.Options.parse("--input", "a", "--out", "b");
        assertThat(options.threads()).isEqualTo(1);
        assertThat(options.phoneRegion()).isEqualTo("GB");
        assertThat(options.flush()).isFalse();
        assertThat(options.shared()).isFalse();
        assertThat(options.shuffle()).as("the file's order").isNull();
        Function<String[], IdentityBenchmark.Options> parse = IdentityBenchmark.Options::parse;
        assertThatThrownBy(() -> parse.apply(new String[] {"--input", "a"})).hasMessageContaining("required");
        assertThatThrownBy(() -> parse.apply(new String[] {"--input", "a", "--out", "b", "--threads", "0"}))
                .hasMessageContaining("--threads");
        assertThatThrownBy(() -> parse.apply(new String[] {"--input", "a", "--out", "b", "--shuffle", "x"}))
                .hasMessageContaining("--shuffle");
        assertThatThrownBy(() -> parse.apply(new String[] {"--input", "a", "--out", "b", "--bogus"}))
                .hasMessageContaining("--bogus");
    }
}
