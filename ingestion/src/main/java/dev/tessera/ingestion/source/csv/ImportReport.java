package dev.tessera.ingestion.source.csv;

import dev.tessera.core.identity.Resolution.Outcome;
import java.util.EnumMap;
import java.util.Map;

/** What importing one file did: rows read, outcomes of the stored ones, rows rejected. */
public record ImportReport(String file, long rows, Map<Outcome, Long> stored, long rejected) {

    public ImportReport {
        stored = Map.copyOf(stored);
    }

    /** Rows stored (every outcome but {@link Outcome#ERASED}). */
    public long storedTotal() {
        return stored.entrySet().stream().filter(e -> e.getKey() != Outcome.ERASED).mapToLong(Map.Entry::getValue).sum();
    }

    /** Rows refused because their person was erased. */
    public long erased() {
        return stored.getOrDefault(Outcome.ERASED, 0L);
    }

    /** Thread-safe: the rows of a file are resolved on several threads. */
    static final class Builder {
        private final String file;
        private long rows;
        private long rejected;
        private final Map<Outcome, Long> stored = new EnumMap<>(Outcome.class);

        Builder(String file) {
            this.file = file;
        }

        synchronized void stored(Outcome outcome) {
            rows++;
            stored.merge(outcome, 1L, Long::sum);
        }

        synchronized void rejected() {
            rows++;
            rejected++;
        }

        synchronized ImportReport build() {
            return new ImportReport(file, rows, stored, rejected);
        }
    }

    @Override
    public String toString() {
        return file + ": " + rows + " rows, " + storedTotal() + " stored " + stored + ", " + rejected + " rejected"
                + (erased() > 0 ? ", " + erased() + " refused as erased" : "");
    }
}
