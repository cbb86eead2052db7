package dev.tessera.core.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.ProfileId;
import dev.tessera.core.model.SourceRecordId;
import dev.tessera.core.store.ProfileStore;
import dev.tessera.core.store.RedisConnection;
import dev.tessera.core.testing.RedisTestSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two ingestion processes resolving interleaved halves of the same data end where one sequential run ends. */
class TwoProcessResolutionTest {

    @Test
    void twoProcessesEndInTheSequentialClustering(@TempDir Path dir) throws Exception {
        List<CustomerRecord> records = SyntheticCustomers.generate(120, 11);
        Set<Set<SourceRecordId>> sequential = resolveHere(records, 0, 1);

        RedisTestSupport.flush();
        List<CustomerRecord> shuffled = new ArrayList<>(records);
        Collections.shuffle(shuffled, new Random(5));
        Path input = dir.resolve("records.jsonl");
        List<String> lines = new ArrayList<>();
        for (CustomerRecord record : shuffled) {
            lines.add(ResolveWorker.JSON.writeValueAsString(record));
        }
        Files.write(input, lines);
        Process other = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ResolveWorker.class.getName(),
                RedisTestSupport.settings().url(), input.toString(), "1", "2",
                Boolean.toString(RedisTestSupport.settings().cluster()))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("worker.log").toFile())
                .start();
        Set<Set<SourceRecordId>> twoProcesses;
        try {
            resolveHere(shuffled, 0, 2);
            assertThat(other.waitFor(120, TimeUnit.SECONDS)).as("second process finished").isTrue();
            assertThat(other.exitValue()).as(Files.readString(dir.resolve("worker.log"))).isZero();
            twoProcesses = clustering(records);
        } finally {
            other.destroyForcibly();
        }

        assertThat(sequential.size()).isBetween(100, records.size() - 1);
        assertThat(twoProcesses).isEqualTo(sequential);
    }

    /** Resolves every {@code stride}-th record from {@code offset} in this process; returns the clustering of all. */
    private static Set<Set<SourceRecordId>> resolveHere(List<CustomerRecord> records, int offset, int stride) {
        if (stride == 1) {
            RedisTestSupport.flush();
        }
        try (RedisConnection connection = RedisTestSupport.connect()) {
            IdentityResolver resolver = IdentitySettings.defaults().resolver(new ProfileStore(connection), Clock.systemUTC());
            for (int i = offset; i < records.size(); i += stride) {
                resolver.resolve(records.get(i));
            }
        }
        return stride == 1 ? clustering(records) : Set.of();
    }

    private static Set<Set<SourceRecordId>> clustering(List<CustomerRecord> records) {
        try (RedisConnection connection = RedisTestSupport.connect()) {
            ProfileStore store = new ProfileStore(connection);
            Map<ProfileId, Set<SourceRecordId>> byProfile = new HashMap<>();
            for (CustomerRecord record : records) {
                byProfile.computeIfAbsent(store.findBySource(record.id()).orElseThrow(), k -> new HashSet<>())
                        .add(record.id());
            }
            return new HashSet<>(byProfile.values());
        }
    }
}
