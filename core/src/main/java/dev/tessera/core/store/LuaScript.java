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
     * {@link #runForList} sent now and awaited when asked, so that its round trip is shared with commands
     * sent after it (a NOSCRIPT answer is repeated with EVAL then, as in {@link #runAll}).
     */
    public java.util.function.Supplier<List<Object>> runForListLater(RedisConnection connection, String[] keys,
            String... args) {
        RedisClusterAsyncCommands<String, String> async = connection.async();
        io.lettuce.core.RedisFuture<List<Object>> sent = async.evalsha(digest(async), ScriptOutputType.MULTI, keys, args);
        return () -> awaitOrEval(connection, sent, ScriptOutputType.MULTI, keys, args);
    }

    /** The answer of a sent EVALSHA; refused with NOSCRIPT (the script cache was emptied), run with EVAL. */
    private <T> T awaitOrEval(RedisConnection connection, io.lettuce.core.RedisFuture<T> sent, ScriptOutputType type,
            String[] keys, String[] args) {
        try {
            return connection.await(sent);
        } catch (RedisCommandExecutionException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("NOSCRIPT")) {
                return connection.await(connection.async().<T>eval(source, type, keys, args));
            }
            throw e;
        }
    }

    /**
     * Runs the script once per (keys, args) pair, all sent before the first answer is awaited: one round
     * trip for all. Answers in the same order. Each run is atomic on its own; another client's commands
     * may run between them. A run refused with NOSCRIPT (the server's script cache was emptied) is
     * repeated with EVAL when its answer is read.
     */
    public <T> List<T> runAll(RedisConnection connection, ScriptOutputType type, List<String[]> keys,
            List<String[]> args) {
        List<Object> settled = runAllSettled(connection, type, keys, args);
        for (Object answer : settled) {
            if (answer instanceof Failure f) {
                throw f.error(); // the answers of the others were read before it is thrown
            }
        }
        @SuppressWarnings("unchecked")
        List<T> results = (List<T>) settled;
        return results;
    }

    /** A run that failed, in the answers of {@link #runAllSettled}. */
    public record Failure(RuntimeException error) {}

    /**
     * As {@link #runAll}, but a run that failed answers with a {@link Failure} in its place instead of
     * throwing, so that the caller can finish what the others did before it reports the failure.
     */
    public List<Object> runAllSettled(RedisConnection connection, ScriptOutputType type, List<String[]> keys,
            List<String[]> args) {
        RedisClusterAsyncCommands<String, String> async = connection.async();
        String digest = digest(async);
        List<io.lettuce.core.RedisFuture<Object>> sent = new java.util.ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            sent.add(async.evalsha(digest, type, keys.get(i), args.get(i)));
        }
        List<Object> results = new java.util.ArrayList<>(keys.size());
        for (int i = 0; i < sent.size(); i++) {
            try {
                results.add(awaitOrEval(connection, sent.get(i), type, keys.get(i), args.get(i)));
            } catch (RuntimeException e) {
                results.add(new Failure(e));
            }
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
