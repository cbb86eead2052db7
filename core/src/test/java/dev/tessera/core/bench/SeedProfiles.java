package dev.tessera.core.bench;

import dev.tessera.core.identity.DeterministicResolver;
import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.SourceRecordId;
import dev.tessera.core.normalize.Identifiers;
import dev.tessera.core.profile.GoldenRecordBuilder;
import dev.tessera.core.store.ProfileStore;
import dev.tessera.core.store.RedisConnection;
import dev.tessera.core.store.RedisSettings;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Seeds synthetic customers for the API benchmark (scripts/bench-api.sh): each has two source records
 * (CRM and shop, linked by email) so a profile read returns a real golden record with lineage. Writes
 * the profile ids and the emails, one per line, for the load generator to pick from.
 *
 * <p>Usage: {@code SeedProfiles REDIS_URL COUNT OUT_DIR} (the database is flushed first).
 */
public final class SeedProfiles {

    private static final String[] FIRST = {"Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances",
            "John", "Margaret", "Ken", "Radia", "Tim", "Shafi", "Leslie", "Sophie", "Jürgen"};
    private static final String[] LAST = {"Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen",
            "McCarthy", "Hamilton", "Thompson", "Perlman", "Berners-Lee", "Goldwasser", "Lamport", "Wilson", "Müller"};
    private static final String[] CITY = {"London", "Leeds", "Bristol", "Hamburg", "Lyon", "Utrecht"};

    private SeedProfiles() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: SeedProfiles REDIS_URL COUNT OUT_DIR");
            System.exit(2);
        }
        int count = Integer.parseInt(args[1]);
        Path out = Files.createDirectories(Path.of(args[2]));
        Identifiers ids = new Identifiers("GB");
        Random random = new Random(42);
        Instant t0 = Instant.parse("2025-01-01T00:00:00Z");
        long started = System.nanoTime();
        try (RedisConnection redis = RedisConnection.open(RedisSettings.of(args[0]))) {
            redis.commands().flushall();
            DeterministicResolver resolver =
                    new DeterministicResolver(new ProfileStore(redis), new GoldenRecordBuilder(), Clock.systemUTC());
            List<String> profiles = new ArrayList<>(count);
            List<String> emails = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                String first = FIRST[random.nextInt(FIRST.length)];
                String last = LAST[random.nextInt(LAST.length)];
                String email = "customer" + i + "@example.com";
                String phone = String.format("+44 20 7946 %04d", i % 10_000);
                CustomerRecord crm = new CustomerRecord(new SourceRecordId("crm", "c" + i), t0.plusSeconds(i),
                        List.of(ids.email(email).orElseThrow()),
                        Map.of("first_name", first, "last_name", last, "city", CITY[i % CITY.length]));
                CustomerRecord shop = new CustomerRecord(new SourceRecordId("shop", "s" + i), t0.plusSeconds(i + 60),
                        List.of(ids.email(email).orElseThrow(), ids.phone(phone).orElseThrow()),
                        Map.of("first_name", first, "last_name", last, "postcode", "SW1A " + (i % 9) + "AA"));
                String id = resolver.resolve(crm).profileId().value();
                resolver.resolve(shop);
                profiles.add(id);
                emails.add(email);
            }
            write(out.resolve("profile-ids.txt"), profiles);
            write(out.resolve("emails.txt"), emails);
        }
        System.err.printf("seeded %d profiles (%d records) in %.1f s%n", count, 2 * count,
                (System.nanoTime() - started) / 1e9);
    }

    private static void write(Path file, List<String> lines) throws Exception {
        try (BufferedWriter writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (String line : lines) {
                writer.write(line);
                writer.newLine();
            }
        }
    }
}
