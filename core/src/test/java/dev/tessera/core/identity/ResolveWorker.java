package dev.tessera.core.identity;

import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.store.ProfileStore;
import dev.tessera.core.store.RedisConnection;
import dev.tessera.core.store.RedisSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import tools.jackson.databind.json.JsonMapper;

/**
 * A second ingestion process for {@link TwoProcessResolutionTest}: resolves every {@code stride}-th
 * record (from {@code offset}) of a JSON-lines file with the production resolver.
 */
public final class ResolveWorker {

    static final JsonMapper JSON = JsonMapper.builder().build();

    private ResolveWorker() {}

    public static void main(String[] args) throws Exception {
        String redisUrl = args[0];
        List<String> lines = Files.readAllLines(Path.of(args[1]));
        int offset = Integer.parseInt(args[2]);
        int stride = Integer.parseInt(args[3]);
        boolean cluster = args.length > 4 && Boolean.parseBoolean(args[4]);
        try (RedisConnection connection = RedisConnection.open(new RedisSettings(redisUrl, cluster, null))) {
            IdentityResolver resolver = IdentitySettings.defaults().resolver(new ProfileStore(connection), Clock.systemUTC());
            for (int i = offset; i < lines.size(); i += stride) {
                resolver.resolve(JSON.readValue(lines.get(i), CustomerRecord.class));
            }
        }
    }
}
