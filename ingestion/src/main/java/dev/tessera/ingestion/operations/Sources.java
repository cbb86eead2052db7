package dev.tessera.ingestion.operations;

import dev.tessera.ingestion.system.IngestionProperties;
import dev.tessera.ingestion.system.IngestionProperties.Source;

/** Finding a configured source by the name in a request path. */
final class Sources {

    private Sources() {}

    static Source find(IngestionProperties properties, String name) {
        return properties.sources().stream()
                .filter(s -> s.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new OperationsProblems.UnknownSource());
    }
}
