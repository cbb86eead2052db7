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

    /**
     * Runs the script once per (keys, args) pair, all sent before the first answer is awaited: one round
     * trip for all. Answers in the same order. Each run is atomic on its own; another client's commands
     * may run between them. A run refused with NOSCRIPT (the server's script cache was emptied) is
     * repeated with EVAL when its answer is read.
     */
    public <T> List<T> runAll(RedisConnection connection, ScriptOutputType type, List<String[]> keys,
            List<String[]> args) {
        RedisClusterAsyncCommands<String, String> async = connection.async();
        String digest = digest(async);
        List<io.lettuce.core.RedisFuture<T>> sent = new java.util.ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            sent.add(async.<T>evalsha(digest, type, keys.get(i), args.get(i)));
        }
        List<T> results = new java.util.ArrayList<>(keys.size());
        RuntimeException failure = null;
        for (int i = 0; i < sent.size(); i++) {
            try {
                results.add(connection.await(sent.get(i)));
            } catch (RedisCommandExecutionException e) {
                if (failure == null && e.getMessage() != null && e.getMessage().startsWith("NOSCRIPT")) {
                    results.add(connection.await(async.<T>eval(source, type, keys.get(i), args.get(i))));
                } else if (failure == null) {
                    failure = e; // the answers of the others are still read before it is thrown
                }
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
        return results;
    }

    private String digest(RedisClusterAsyncCommands<String, String> async) {
        String digest = sha;
        if (digest == null) {
            digest = async.digest(source);
            sha = digest;
        }
        return digest;
    }

    private <T> T call(RedisConnection connection, ScriptOutputType type, String[] keys, String... args) {
        return this.<T>runAll(connection, type, List.<String[]>of(keys), List.<String[]>of(args)).get(0);
    }
}
