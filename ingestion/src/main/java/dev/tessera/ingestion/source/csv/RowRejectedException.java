package dev.tessera.ingestion.source.csv;

/** One row cannot become a record; the message names the column and never contains the value. */
public final class RowRejectedException extends Exception {

    private final boolean layout;

    RowRejectedException(String message) {
        this(message, false);
    }

    /** @param layout the row's cells could not be told apart (quoting, or another number of cells than the header) */
    RowRejectedException(String message, boolean layout) {
        super(message, null, false, false);
        this.layout = layout;
    }

    /** True when the row's cells could not be told apart, as opposed to a cell's value being unusable. */
    boolean layout() {
        return layout;
    }
}
