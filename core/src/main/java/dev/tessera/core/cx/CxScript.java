package dev.tessera.core.cx;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.util.List;

/** A Lua script returning a list, run by its SHA (loaded on first use on each node). */
final class CxScript {

    private final String source;
    private volatile String sha;

    CxScript(String source) {
        this.source = source;
    }

    List<Object> run(RedisClusterCommands<String, String> redis, String[] keys, String... args) {
        String digest = sha;
        if (digest == null) {
            digest = redis.digest(source);
            sha = digest;
        }
        try {
            return redis.evalsha(digest, ScriptOutputType.MULTI, keys, args);
        } catch (RedisNoScriptException e) {
            return redis.eval(source, ScriptOutputType.MULTI, keys, args);
        }
    }
}
