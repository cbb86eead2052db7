package dev.tessera.ingestion.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.core.deadletter.DeadLetter;
import dev.tessera.core.deadletter.DeadLetterStore;
import dev.tessera.core.model.ProfileId;
import dev.tessera.core.model.SourceRecordId;
import dev.tessera.core.store.ProfileStore;
import dev.tessera.core.store.RedisConnection;
import dev.tessera.core.testing.RedisTestSupport;
import dev.tessera.ingestion.IngestionApplication;
import dev.tessera.ingestion.bench.CrmCsvGenerator;
import dev.tessera.security.testing.TestTokens;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Killing the ingestion process mid-file and starting it again ends with every row stored exactly once"
 * (issue 4), with a real process kill: the ingestion app runs as a separate JVM on the test's classpath,
 * is killed with SIGKILL ({@link Process#destroyForcibly()}) while it imports a CSV file, and a second
 * JVM finishes the job. The file must stay in the inbox until every row is stored or dead-lettered, and
 * afterwards every good row's record is in exactly one profile, nothing is doubled, and each bad row is
 * one dead letter.
 */
class ProcessKillIT {

    static final String SOURCE = "crm";
    static final int ROWS = Integer.getInteger("tessera.kill-test.rows", 3_000);
    /** Kill once this many rows are stored: well into the file, well before its end. */
    static final int KILL_AFTER = ROWS / 4;
    static final int BAD_EVERY = 97;

    @TempDir
    Path dir;

    private final List<Process> children = new ArrayList<>();

    @AfterEach
    void stopChildren() throws InterruptedException {
        for (Process child : children) {
            child.destroyForcibly();
            child.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aProcessKilledMidFileIsRestartedAndEveryRowEndsStoredExactlyOnce() throws Exception {
        RedisTestSupport.flush();
        Path inbox = dir.resolve("inbox");
        Files.createDirectories(inbox);
        CrmCsvGenerator generator = new CrmCsvGenerator(7, 0.1, BAD_EVERY);
        Path staged = inbox.resolve(".contacts.csv.tmp");
        CrmCsvGenerator.Summary summary;
        try (Writer out = Files.newBufferedWriter(staged, StandardCharsets.UTF_8)) {
            summary = generator.write(ROWS, out);
        }
        Files.move(staged, inbox.resolve("contacts.csv")); // appears whole, as integrators are told to do

        long started = System.nanoTime();
        Process first = start(inbox, "first");
        await(Duration.ofSeconds(90), () -> storedSourceRecords() >= KILL_AFTER, first, "first");
        first.destroyForcibly(); // SIGKILL: no shutdown hook, no graceful Camel stop
        assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();
        long storedAtKill = storedSourceRecords();
        double killedAt = (System.nanoTime() - started) / 1e9;

        assertThat(storedAtKill).as("killed mid-file").isLessThan(summary.goodRows());
        assertThat(inbox.resolve("contacts.csv")).as("an unfinished file stays in the inbox").exists();
        assertThat(filesIn(inbox.resolve(".done"))).as("nothing is marked done").isEmpty();

        Process second = start(inbox, "second");
        await(Duration.ofSeconds(120), () -> filesIn(inbox.resolve(".done")).size() == 1, second, "second");
        second.destroyForcibly();
        System.out.printf("kill test: %d rows, killed after %.1f s with %d of %d good rows stored, done after %.1f s%n",
                ROWS, killedAt, storedAtKill, summary.goodRows(), (System.nanoTime() - started) / 1e9);

        assertThat(inbox.resolve("contacts.csv")).doesNotExist();
        assertThat(filesIn(inbox.resolve(".failed"))).isEmpty();
        try (RedisConnection connection = RedisTestSupport.connect()) {
            ProfileStore store = new ProfileStore(connection);
            Set<SourceRecordId> expected = new HashSet<>();
            for (int row = 1; row <= ROWS; row++) {
                if (!generator.isBad(row)) {
                    expected.add(new SourceRecordId(SOURCE, CrmCsvGenerator.contactId(row)));
                }
            }
            assertThat(expected).hasSize(summary.goodRows());

            // every record held by a live profile, and by one only
            Map<ProfileId, Set<SourceRecordId>> byProfile = store.recordIds(store.profileIds());
            Map<SourceRecordId, List<ProfileId>> holders = new HashMap<>();
            byProfile.forEach((profile, records) -> records.forEach(
                    r -> holders.computeIfAbsent(r, k -> new ArrayList<>()).add(profile)));
            long held = byProfile.values().stream().mapToLong(Set::size).sum();
            assertThat(holders.entrySet().stream().filter(e -> e.getValue().size() > 1).map(Map.Entry::getKey).toList())
                    .as("records held by more than one profile").isEmpty();
            assertThat(held).as("records across profiles").isEqualTo(summary.goodRows());
            assertThat(holders.keySet()).isEqualTo(expected);
            // and the source index names the profile that holds each one
            for (SourceRecordId id : expected) {
                assertThat(store.findBySource(id)).as("profile of %s", id).contains(holders.get(id).get(0));
            }
            assertThat(byProfile.size()).as("duplicates of people linked into shared profiles")
                    .isLessThan(summary.goodRows());

            DeadLetterStore deadLetters = new DeadLetterStore(connection, Clock.systemUTC());
            List<DeadLetter> rejected = deadLetters.list("source-" + SOURCE, 0, summary.badRows() + 10);
            List<String> expectedOrigins = new ArrayList<>();
            for (int row = 1; row <= ROWS; row++) {
                if (generator.isBad(row)) {
                    expectedOrigins.add("contacts.csv:" + (row + 1)); // line 1 is the header
                }
            }
            assertThat(deadLetters.count("source-" + SOURCE)).isEqualTo(summary.badRows());
            assertThat(rejected).extracting(DeadLetter::origin).containsExactlyInAnyOrderElementsOf(expectedOrigins);
        }
    }

    /** The ingestion app in its own JVM, with the test's classpath and the source as command-line properties. */
    private Process start(Path inbox, String name) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-Xmx512m", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), IngestionApplication.class.getName(),
                "--server.port=0",
                "--spring.main.banner-mode=off",
                "--tessera.redis.url=" + RedisTestSupport.settings().url(),
                "--tessera.redis.cluster=" + RedisTestSupport.settings().cluster(),
                "--tessera.sources[0].name=" + SOURCE,
                "--tessera.sources[0].kind=crm",
                "--tessera.sources[0].folder.inbox=" + inbox,
                "--tessera.sources[0].folder.poll-delay=100ms",
                "--tessera.sources[0].mapping.source-id=contact_id",
                "--tessera.sources[0].mapping.email=email",
                "--tessera.sources[0].mapping.phone=phone",
                "--tessera.sources[0].mapping.observed-at=updated_at",
                "--tessera.sources[0].mapping.attributes.first_name=first_name",
                "--tessera.sources[0].mapping.attributes.last_name=last_name",
                "--tessera.sources[0].mapping.attributes.city=city",
                "--tessera.sources[0].mapping.attributes.country=country",
                "--tessera.sources[0].mapping.attributes.company=company"));
        command.addAll(TestTokens.arguments());
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile())
                .start();
        children.add(process);
        return process;
    }

    private void await(Duration timeout, BooleanSupplier condition, Process process, String name) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (!process.isAlive()) {
                throw new AssertionError(name + " ingestion process exited with " + process.exitValue() + ":\n"
                        + tail(dir.resolve(name + ".log")));
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for the " + name + " ingestion process:\n"
                        + tail(dir.resolve(name + ".log")));
            }
            Thread.sleep(200);
        }
    }

    /** Source records of this source in the store: the {@code src:crm:*} index keys, by SCAN. */
    private static long storedSourceRecords() {
        try (RedisConnection connection = RedisTestSupport.connect()) {
            long count = 0;
            ScanArgs args = ScanArgs.Builder.matches("src:" + SOURCE + ":*").limit(1000);
            KeyScanCursor<String> cursor = connection.commands().scan(args);
            count += cursor.getKeys().size();
            while (!cursor.isFinished()) {
                cursor = connection.commands().scan(cursor, args);
                count += cursor.getKeys().size();
            }
            return count;
        }
    }

    private static List<Path> filesIn(Path folder) {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(Files::isRegularFile).toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
