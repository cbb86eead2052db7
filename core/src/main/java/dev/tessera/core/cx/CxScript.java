package dev.tessera.core.cx;

import dev.tessera.core.store.LuaScript;
import dev.tessera.core.store.RedisConnection;
import io.lettuce.core.ScriptOutputType;
import java.util.List;

/**
 * A Lua script returning a list, run by its SHA (loaded on first use on each node) through
 * {@link LuaScript}: the asynchronous API, without the reflective proxy of Lettuce's synchronous one.
 */
final class CxScript {

    private final LuaScript script;

    CxScript(String source) {
        this.script = new LuaScript(source);
    }

    List<Object> run(RedisConnection connection, String[] keys, String... args) {
        return script.runForList(connection, keys, args);
    }

    /** Runs once per (keys, args) pair, all sent before the first answer is read: one round trip for all. */
    List<List<Object>> runAll(RedisConnection connection, List<String[]> keys, List<String[]> args) {
        return script.runAll(connection, ScriptOutputType.MULTI, keys, args);
    }

    /** As {@link #runAll}; a run that failed answers with a {@link LuaScript.Failure} in its place. */
    List<Object> runAllSettled(RedisConnection connection, List<String[]> keys, List<String[]> args) {
        return script.runAllSettled(connection, ScriptOutputType.MULTI, keys, args);
    }
}
