package dev.tessera.ingestion.source.csv;

/** One row cannot become a record; the message names the column and never contains the value. */
public final class RowRejectedException extends Exception {

    RowRejectedException(String message) {
        super(message, null, false, false);
    }
}
