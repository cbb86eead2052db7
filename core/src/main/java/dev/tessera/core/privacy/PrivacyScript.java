package dev.tessera.core.privacy;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;

/** A Lua script answering an integer, run by its SHA (loaded on first use on each node). */
final class PrivacyScript {

    private final String source;
    private volatile String digest;

    PrivacyScript(String source) {
        this.source = source;
    }

    long run(RedisClusterCommands<String, String> redis, String[] keys, String... args) {
        String sha = digest;
        if (sha == null) {
            sha = redis.digest(source);
            digest = sha;
        }
        try {
            Long result = redis.evalsha(sha, ScriptOutputType.INTEGER, keys, args);
            return result;
        } catch (RedisNoScriptException e) {
            Long result = redis.eval(source, ScriptOutputType.INTEGER, keys, args);
            return result;
        }
    }
}
