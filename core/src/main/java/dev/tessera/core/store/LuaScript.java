package dev.tessera.core.store;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;

/** A Lua script run by its SHA, loaded on first use on each node (EVALSHA, then EVAL on NOSCRIPT). */
final class LuaScript {

    private final String source;
    private volatile String sha;

    LuaScript(String source) {
        this.source = source;
    }

    long run(RedisClusterCommands<String, String> redis, String[] keys, String... args) {
        String digest = sha;
        if (digest == null) {
            digest = redis.digest(source);
            sha = digest;
        }
        try {
            Long result = redis.evalsha(digest, ScriptOutputType.INTEGER, keys, args);
            return result;
        } catch (RedisNoScriptException e) {
            Long result = redis.eval(source, ScriptOutputType.INTEGER, keys, args);
            return result;
        }
    }
}
