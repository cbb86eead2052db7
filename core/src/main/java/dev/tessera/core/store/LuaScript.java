package dev.tessera.core.store;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.List;

/**
 * A Lua script run by its SHA, loaded on first use on each node (EVALSHA, then EVAL on NOSCRIPT).
 *
 * <p>Runs through the asynchronous API and waits: Lettuce's synchronous API is a reflective proxy that
 * looks the method up on every call, which cost more than the script itself on the hot path.
 */
public final class LuaScript {

    private final String source;
    private volatile String sha;

    public LuaScript(String source) {
        this.source = source;
    }

    public long run(RedisConnection connection, String[] keys, String... args) {
        Long result = call(connection, ScriptOutputType.INTEGER, keys, args);
        return result;
    }

    /** Runs a script that answers with a (possibly nested) array: lists of strings, numbers and lists. */
    public List<Object> runForList(RedisConnection connection, String[] keys, String... args) {
        List<Object> result = call(connection, ScriptOutputType.MULTI, keys, args);
        return result;
    }

    private <T> T call(RedisConnection connection, ScriptOutputType type, String[] keys, String... args) {
        RedisClusterAsyncCommands<String, String> async = connection.async();
        String digest = sha;
        if (digest == null) {
            digest = async.digest(source);
            sha = digest;
        }
        try {
            return connection.await(async.<T>evalsha(digest, type, keys, args));
        } catch (RedisCommandExecutionException e) {
            if (e.getMessage() == null || !e.getMessage().startsWith("NOSCRIPT")) {
                throw e;
            }
            return connection.await(async.<T>eval(source, type, keys, args));
        }
    }
}
