package dev.tessera.core.bench;

/** What a converter wrote: counts to check against the data set's README. */
record ConversionSummary(int records, int entities, long truePairs, int invalidDates) {}
