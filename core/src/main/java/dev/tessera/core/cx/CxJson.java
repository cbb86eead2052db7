package dev.tessera.core.cx;

import dev.tessera.core.model.InstantText;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** JSON of the stored interactions, tallies and stage changes. One shared, thread-safe mapper. */
final class CxJson {

    static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .addModule(InstantText.jacksonModule()) // the same text, without the JDK formatter's cost
            .build();

    private CxJson() {}

    static String write(Object value) {
        return MAPPER.writeValueAsString(value);
    }

    static <T> T read(String json, Class<T> type) {
        return MAPPER.readValue(json, type);
    }
}
