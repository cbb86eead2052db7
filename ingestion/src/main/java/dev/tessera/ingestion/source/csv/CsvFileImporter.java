package dev.tessera.ingestion.source.csv;

import dev.tessera.core.cx.CxIdentityHooks;
import dev.tessera.core.deadletter.DeadLetterStore;
import dev.tessera.core.identity.IdentityResolver;
import dev.tessera.core.identity.Resolution;
import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.Identifier;
import dev.tessera.core.model.SourceRecordId;
import dev.tessera.core.normalize.Identifiers;
import dev.tessera.core.privacy.Tombstones;
import dev.tessera.ingestion.operations.SourceActivity;
import dev.tessera.ingestion.system.IngestionProperties.Source;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Imports one CSV file of a folder source: every row is mapped, resolved and stored, or kept as a dead
 * letter with its reason and the header, so it can be replayed on its own. A row's failure never stops
 * the file; a storage failure does (the file stays and is retried, rows are idempotent). Rows are read
 * and mapped on the caller's thread and resolved on {@code csv.threads} threads; {@link #importFile}
 * returns only when every row is stored.
 */
public final class CsvFileImporter {

    private final IdentityResolver resolver;
    private final DeadLetterStore deadLetters;
    private final Identifiers identifiers;
    private final SourceActivity activity;
    private final CxIdentityHooks hooks;
    private final Tombstones tombstones;

    /** @param tombstones the erasures a refused row is checked against before it is dead-lettered (null: none) */
    public CsvFileImporter(IdentityResolver resolver, DeadLetterStore deadLetters, Identifiers identifiers,
            SourceActivity activity, CxIdentityHooks hooks, Tombstones tombstones) {
        this.tombstones = tombstones;
        this.resolver = resolver;
        this.hooks = hooks;
        this.deadLetters = deadLetters;
        this.identifiers = identifiers;
        this.activity = activity;
    }

    /**
     * Dead-letter header of a rejected row: the time its file gave rows without an observed-at column, which
     * its replay uses again (the time of the rejection would let an older file's row overwrite a newer one).
     */
    public static final String FILE_TIME_HEADER = DeadLetterStore.DELIVERY_HEADER_PREFIX + "File-Time";

    /** The observed-at time a replay of this dead-lettered row uses: its file's, else when it was rejected. */
    public static Instant replayTime(Map<String, String> headers, Instant receivedAt) {
        String fileTime = headers.get(FILE_TIME_HEADER);
        if (fileTime != null) {
            try {
                return Instant.parse(fileTime);
            } catch (java.time.format.DateTimeParseException e) {
                return receivedAt;
            }
        }
        return receivedAt;
    }

    /**
     * Imports a dead-lettered row again with the source's current mapping (fixed since, say): the
     * payload is the header line and the row as kept by {@link #importFile}.
     *
     * @throws RowRejectedException when the row is still rejected (the reason names the column)
     */
    public Resolution replayRow(Source source, String payload, Instant observedAt)
            throws IOException, RowRejectedException {
        CsvLineReader lines = new CsvLineReader(new java.io.StringReader(payload));
        CsvLineReader.Line header = lines.next();
        CsvLineReader.Line row = header == null ? null : lines.next();
        if (row == null) {
            throw new RowRejectedException("the dead letter holds no header and row to replay");
        }
        Identifiers sourceIdentifiers = source.mapping().phoneRegion() == null
                ? identifiers : new Identifiers(source.mapping().phoneRegion());
        CsvRecordMapper mapper = new CsvRecordMapper(source.records(), source.mapping(), sourceIdentifiers,
                source.csv().delimiter().charAt(0), header.text());
        CustomerRecord record = mapper.map(row.text(), observedAt);
        Resolution resolution = resolver.resolve(record);
        hooks.afterResolve(record, resolution);
        return resolution;
    }

    /**
     * @param fileTime observed-at time for rows of sources without an observed-at column
     * @throws MalformedFileException when the file as a whole cannot be read (it is then kept aside)
     */
    public ImportReport importFile(Source source, InputStream in, String fileName, Instant fileTime) throws IOException {
        Charset charset = Charset.forName(source.csv().charset());
        var decoder = charset.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        CsvLineReader lines = new CsvLineReader(new InputStreamReader(in, decoder));
        ImportReport.Builder report = new ImportReport.Builder(fileName);
        try {
            CsvLineReader.Line header = lines.next();
            while (header != null && header.text().isBlank()) {
                header = lines.next();
            }
            if (header == null) {
                throw new MalformedFileException("the file is empty: a header line is required");
            }
            Identifiers sourceIdentifiers = source.mapping().phoneRegion() == null
                    ? identifiers : new Identifiers(source.mapping().phoneRegion());
            CsvRecordMapper mapper = new CsvRecordMapper(source.records(), source.mapping(), sourceIdentifiers,
                    source.csv().delimiter().charAt(0), header.text());
            try (Resolvers resolvers = new Resolvers(source, report, source.csv().threads())) {
                for (CsvLineReader.Line line = lines.next(); line != null; line = lines.next()) {
                    if (line.text().isBlank()) {
                        continue;
                    }
                    resolvers.checkFailure();
                    CustomerRecord record;
                    try {
                        record = mapper.map(line.text(), fileTime);
                    } catch (RowRejectedException e) {
                        if (e.layout() && line.multiLine() && mapper.swallowsRows(line.text())) {
                            // a stray quote took the rows after it into one "cell": read them again line by
                            // line, so only the line with the quote is rejected
                            lines.separately(line);
                            continue;
                        }
                        activity.received(source.name());
                        String sourceId = mapper.sourceIdOf(line.text());
                        if (erased(source, mapper, line.text(), sourceId)) {
                            // an erased person's row is not kept, faulty or not (docs/privacy.md)
                            report.stored(Resolution.Outcome.ERASED);
                            activity.erased(source.name());
                            activity.rowDone(source.name());
                            continue;
                        }
                        // the row's time goes with it: a replay stores the version the file would have
                        deadLetters.add(source.routeId(), fileName + ":" + line.number(), e.getMessage(),
                                header.text() + "\n" + line.text(), sourceId,
                                Map.of(FILE_TIME_HEADER, fileTime.toString()));
                        report.rejected();
                        activity.rejected(source.name(), e.getMessage());
                        activity.rowDone(source.name());
                        continue;
                    }
                    activity.received(source.name());
                    resolvers.submit(record);
                }
                resolvers.finish(); // every row stored (or the first failure thrown) before the file is done
            }
        } catch (CharacterCodingException e) {
            throw new MalformedFileException("the file is not valid " + charset.name() + " after row "
                    + report.build().rows());
        }
        return report.build();
    }

    /**
     * Whether a row the mapping refused is an erased person's: its source record (when its id is readable)
     * or, when tombstones refuse identifiers, an email or phone readable from it.
     */
    private boolean erased(Source source, CsvRecordMapper mapper, String line, String sourceId) {
        if (tombstones == null) {
            return false;
        }
        SourceRecordId id = null;
        if (sourceId != null && !sourceId.isEmpty()) {
            try {
                id = new SourceRecordId(source.records(), sourceId);
            } catch (IllegalArgumentException e) {
                id = null; // not a valid id (too long, control characters): only the identifiers can tell
            }
        }
        List<Identifier> readable = tombstones.refusesIdentifiers() ? mapper.identifiersOf(line) : List.of();
        return tombstones.erased(id, readable);
    }

    /** Resolves and stores one mapped row. */
    private void store(Source source, ImportReport.Builder report, CustomerRecord record) {
        stored(source, report, record, resolver.resolve(record));
    }

    /**
     * Resolves and stores mapped rows of different records together ({@code IdentityResolver.resolveAll}:
     * their Redis work shares round trips).
     */
    private void storeAll(Source source, ImportReport.Builder report, java.util.List<CustomerRecord> records) {
        if (records.size() == 1) {
            store(source, report, records.get(0));
            return;
        }
        java.util.List<Resolution> resolutions = resolver.resolveAll(records);
        hooks.afterResolveAll(records, resolutions); // timelines follow merges; waiting interactions attach
        for (int i = 0; i < records.size(); i++) {
            counted(source, report, resolutions.get(i));
        }
    }

    private void stored(Source source, ImportReport.Builder report, CustomerRecord record, Resolution resolution) {
        hooks.afterResolve(record, resolution); // timelines follow merges; waiting interactions attach
        counted(source, report, resolution);
    }

    private void counted(Source source, ImportReport.Builder report, Resolution resolution) {
        report.stored(resolution.outcome());
        if (resolution.outcome() == Resolution.Outcome.ERASED) {
            activity.erased(source.name()); // not a dead letter: that would keep the erased data
        } else {
            activity.stored(source.name());
        }
        activity.rowDone(source.name());
    }

    /** Rows waiting per resolving thread: bounds memory, and how far reading runs ahead of storing. */
    private static final int QUEUED_PER_THREAD = 256;
    /**
     * Rows a resolving thread takes from its queue at most and resolves together: whatever is waiting,
     * so a slow file is not held back, and never two rows of one record (those stay in file order).
     */
    private static final int BATCH = 32;

    /**
     * The threads that resolve a file's rows. A row goes to the thread chosen by its source id, so rows
     * of one record are stored in file order (the last of equal observed-at times wins, as when reading
     * row after row); rows of different records are independent (idempotent, and the resolver converges
     * under concurrency). The first failure (Redis down, say) stops the file: reading stops, the
     * threads stop taking rows, and {@link #finish} throws it, so the file stays in the inbox and is read
     * again. With one thread, rows are resolved on the caller's thread.
     */
    private final class Resolvers implements AutoCloseable {

        private final Source source;
        private final ImportReport.Builder report;
        private final java.util.List<java.util.concurrent.BlockingQueue<java.util.Optional<CustomerRecord>>> queues;
        private final java.util.List<Thread> threads;
        private final java.util.concurrent.atomic.AtomicReference<Throwable> failure =
                new java.util.concurrent.atomic.AtomicReference<>();

        Resolvers(Source source, ImportReport.Builder report, int count) {
            this.source = source;
            this.report = report;
            int n = count <= 1 ? 0 : count;
            this.queues = new java.util.ArrayList<>(n);
            this.threads = new java.util.ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                var queue = new java.util.concurrent.ArrayBlockingQueue<java.util.Optional<CustomerRecord>>(
                        QUEUED_PER_THREAD);
                queues.add(queue);
                Thread thread = new Thread(() -> run(queue), "csv-" + source.name() + "-" + i);
                thread.setDaemon(true);
                threads.add(thread);
            }
            threads.forEach(Thread::start);
        }

        private void run(java.util.concurrent.BlockingQueue<java.util.Optional<CustomerRecord>> queue) {
            boolean end = false;
            try {
                java.util.Optional<CustomerRecord> carried = null;
                while (true) {
                    java.util.Optional<CustomerRecord> next = carried != null ? carried : queue.take();
                    carried = null;
                    if (next.isEmpty()) {
                        return;
                    }
                    java.util.List<CustomerRecord> batch = new java.util.ArrayList<>();
                    java.util.Set<dev.tessera.core.model.SourceRecordId> ids = new java.util.HashSet<>();
                    batch.add(next.get());
                    ids.add(next.get().id());
                    while (batch.size() < BATCH) {
                        java.util.Optional<CustomerRecord> more = queue.poll();
                        if (more == null) {
                            break;
                        }
                        if (more.isEmpty()) {
                            end = true;
                            break;
                        }
                        if (!ids.add(more.get().id())) {
                            carried = more; // a second row of a record: in the next batch, after the first
                            break;
                        }
                        batch.add(more.get());
                    }
                    if (failure.get() == null) {
                        storeAll(source, report, batch);
                    }
                    if (end) {
                        return;
                    }
                }
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
                // nothing more is stored; what is queued is dropped up to the end marker (never cleared at
                // once: the marker may be queued already, and the reader may be waiting for room) unless
                // this batch took the marker already
                if (!end) {
                    drain(queue);
                }
            }
        }

        /** After a failure: keeps taking (and dropping) rows until the end marker, so the reader never blocks. */
        private void drain(java.util.concurrent.BlockingQueue<java.util.Optional<CustomerRecord>> queue) {
            try {
                while (queue.take().isPresent()) {
                    // dropped: the file is read again
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        void submit(CustomerRecord record) throws IOException {
            if (threads.isEmpty()) {
                store(source, report, record);
                return;
            }
            int slot = Math.floorMod(record.id().hashCode(), queues.size());
            try {
                queues.get(slot).put(java.util.Optional.of(record));
            } catch (InterruptedException e) {
                // stopping (the app shuts down): the threads drop what they hold, the file is read again
                failure.compareAndSet(null, e);
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while importing");
            }
        }

        /** Throws the first failure of a resolving thread, if any. */
        void checkFailure() throws IOException {
            Throwable t = failure.get();
            if (t == null) {
                return;
            }
            if (t instanceof RuntimeException e) {
                throw e;
            }
            if (t instanceof Error e) {
                throw e;
            }
            if (t instanceof IOException e) {
                throw e;
            }
            throw new IOException("a row could not be stored", t);
        }

        /** Waits until every submitted row is stored, then throws the first failure if there was one. */
        void finish() throws IOException {
            stop();
            checkFailure();
        }

        private void stop() throws java.io.InterruptedIOException {
            boolean interrupted = false;
            for (var queue : queues) {
                while (true) {
                    try {
                        queue.put(java.util.Optional.empty());
                        break;
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
            }
            for (Thread thread : threads) {
                while (true) {
                    try {
                        thread.join();
                        break;
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
            }
            queues.clear();
            threads.clear();
            if (interrupted) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while importing");
            }
        }

        /**
         * On the way out after the reader failed (bytes invalid in the charset, say): the threads store what
         * they were given, as reading row after row would have, and end.
         */
        @Override
        public void close() throws IOException {
            if (!threads.isEmpty()) {
                stop();
            }
        }
    }
}
