package dev.tessera.ingestion.source.csv;

/** The file as a whole cannot be read (no header, a mapped column missing, a runaway quoted field). */
public final class MalformedFileException extends RuntimeException {

    public MalformedFileException(String message) {
        super(message);
    }
}
