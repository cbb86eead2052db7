package dev.tessera.ingestion.source.csv;

import dev.tessera.core.cx.CxIdentityHooks;
import dev.tessera.core.deadletter.DeadLetterStore;
import dev.tessera.core.identity.IdentityResolver;
import dev.tessera.core.identity.Resolution;
import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.normalize.Identifiers;
import dev.tessera.ingestion.operations.SourceActivity;
import dev.tessera.ingestion.system.IngestionProperties.Source;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.time.Instant;

/**
 * Imports one CSV file of a folder source: every row is mapped, resolved and stored, or kept as a dead
 * letter with its reason and the header, so it can be replayed on its own. A row's failure never stops
 * the file; a storage failure does (the file stays and is retried, rows are idempotent).
 */
public final class CsvFileImporter {

    private final IdentityResolver resolver;
    private final DeadLetterStore deadLetters;
    private final Identifiers identifiers;
    private final SourceActivity activity;
    private final CxIdentityHooks hooks;

    public CsvFileImporter(IdentityResolver resolver, DeadLetterStore deadLetters, Identifiers identifiers,
            SourceActivity activity, CxIdentityHooks hooks) {
        this.resolver = resolver;
        this.hooks = hooks;
        this.deadLetters = deadLetters;
        this.identifiers = identifiers;
        this.activity = activity;
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
            for (CsvLineReader.Line line = lines.next(); line != null; line = lines.next()) {
                if (line.text().isBlank()) {
                    continue;
                }
                activity.received(source.name());
                CustomerRecord record;
                try {
                    record = mapper.map(line.text(), fileTime);
                } catch (RowRejectedException e) {
                    deadLetters.add(source.routeId(), fileName + ":" + line.number(), e.getMessage(),
                            header.text() + "\n" + line.text());
                    report.rejected();
                    activity.rejected(source.name(), e.getMessage());
                    activity.rowDone(source.name());
                    continue;
                }
                Resolution resolution = resolver.resolve(record);
                hooks.afterResolve(record, resolution); // timelines follow merges; waiting interactions attach
                report.stored(resolution.outcome());
                if (resolution.outcome() == Resolution.Outcome.ERASED) {
                    activity.erased(source.name()); // not a dead letter: that would keep the erased data
                } else {
                    activity.stored(source.name());
                }
                activity.rowDone(source.name());
            }
        } catch (CharacterCodingException e) {
            throw new MalformedFileException("the file is not valid " + charset.name() + " after row "
                    + report.build().rows());
        }
        return report.build();
    }
}
