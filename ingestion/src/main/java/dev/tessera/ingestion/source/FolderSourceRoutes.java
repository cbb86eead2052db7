package dev.tessera.ingestion.source;

import dev.tessera.ingestion.format.PayloadRejectedException;
import dev.tessera.ingestion.format.SourcePayload;
import dev.tessera.ingestion.source.csv.CsvFileImporter;
import dev.tessera.ingestion.source.csv.MalformedFileException;
import dev.tessera.ingestion.source.csv.ImportReport;
import dev.tessera.ingestion.system.IngestionProperties;
import dev.tessera.ingestion.system.IngestionProperties.Source;
import dev.tessera.ingestion.system.IngestionProperties.Transport;
import dev.tessera.ingestion.operations.SourceActivity;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Stream;
import java.time.Instant;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * One route per folder source: pick up a file, import it row by row, move it to {@code .done} when every
 * row is stored or dead-lettered. A file that fails as a whole moves to {@code .failed} (see
 * {@link SourceErrorHandling}).
 */
@Component
class FolderSourceRoutes extends RouteBuilder {

    static final String REPORT_HEADER = "TesseraImportReport";

    private final IngestionProperties properties;
    private final CsvFileImporter importer;
    private final SourceActivity activity;
    private final SourceCatalog catalog;
    private final PayloadIntake intake;

    FolderSourceRoutes(IngestionProperties properties, CsvFileImporter importer, SourceActivity activity,
            SourceCatalog catalog, PayloadIntake intake) {
        this.properties = properties;
        this.importer = importer;
        this.activity = activity;
        this.catalog = catalog;
        this.intake = intake;
    }

    @Override
    public void configure() {
        for (Source source : properties.sources()) {
            if (source.enabled() && source.transport() == Transport.FOLDER) {
                activity.lagProbe(source.name(), () -> oldestWaitingFile(source));
                from(fileUri(source))
                        .routeId(source.routeId())
                        .routeConfigurationId(SourceErrorHandling.FOLDER_ID)
                        .process(exchange -> importFile(source, exchange))
                        .log("${routeId} imported ${header." + REPORT_HEADER + "}");
            }
        }
    }

    private void importFile(Source source, Exchange exchange) throws Exception {
        String fileName = exchange.getIn().getHeader(Exchange.FILE_NAME, String.class);
        if (!source.isCsv()) {
            // a file of a vendor's JSON format (an export, a page of an API) is one payload
            SourceCatalog.Ready ready = catalog.find(source.name()).orElseThrow();
            byte[] body;
            try (InputStream in = exchange.getIn().getMandatoryBody(InputStream.class)) {
                body = in.readNBytes(source.maxPayloadBytes() + 1);
            }
            if (body.length > source.maxPayloadBytes()) {
                // a payload's size limit would keep a placeholder and mark the file done: nothing stored
                throw new MalformedFileException("the file is larger than " + source.maxPayloadBytes()
                        + " bytes (webhook.max-bytes of this source, at most 16 MiB): split the export into smaller files");
            }
            try {
                PayloadIntake.Report report = intake.receive(ready,
                        new SourcePayload(source.records(), body, java.util.Map.of(), Instant.now()), "file:" + fileName);
                exchange.getMessage().setHeader(REPORT_HEADER, report);
            } catch (PayloadRejectedException e) {
                // dead-lettered with its reason by the intake; the file itself is done
                exchange.getMessage().setHeader(REPORT_HEADER, "rejected: " + e.getMessage());
            }
            return;
        }
        Long modified = exchange.getIn().getHeader(Exchange.FILE_LAST_MODIFIED, Long.class);
        Instant fileTime = modified == null ? Instant.now() : Instant.ofEpochMilli(modified);
        activity.fileStarted(source.name(), fileName, dataLines(exchange.getIn().getBody(File.class)));
        try (InputStream in = exchange.getIn().getMandatoryBody(InputStream.class)) {
            ImportReport report = importer.importFile(source, in, fileName, fileTime);
            exchange.getMessage().setHeader(REPORT_HEADER, report);
        } catch (Exception e) {
            activity.failed(source.name(), "file " + fileName + " not imported: " + e.getClass().getSimpleName());
            throw e;
        } finally {
            activity.fileFinished(source.name());
        }
    }

    /** Lines after the header: the progress total (quoted line breaks make it an upper bound). */
    private static long dataLines(File file) throws IOException {
        if (file == null) {
            return 0;
        }
        long lines = 0;
        byte last = '\n';
        try (InputStream in = Files.newInputStream(file.toPath())) {
            byte[] buffer = new byte[1 << 16];
            for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == '\n') {
                        lines++;
                    }
                }
                last = buffer[n - 1];
            }
        }
        if (last != '\n') {
            lines++;
        }
        return Math.max(0, lines - 1);
    }

    /** Age of the oldest file waiting in the inbox (the lag of a folder source). */
    private static Optional<Duration> oldestWaitingFile(Source source) {
        Path inbox = source.folder().inbox();
        if (!Files.isDirectory(inbox)) {
            return Optional.empty();
        }
        java.util.regex.Pattern include = java.util.regex.Pattern.compile(source.folder().include());
        try (Stream<Path> files = Files.list(inbox)) {
            return files.filter(Files::isRegularFile)
                    .filter(f -> !f.getFileName().toString().startsWith("."))
                    .filter(f -> include.matcher(f.getFileName().toString()).matches())
                    .map(f -> {
                        try {
                            return Files.getLastModifiedTime(f).toInstant();
                        } catch (IOException e) {
                            return Instant.now();
                        }
                    })
                    .min(Instant::compareTo)
                    .map(oldest -> Duration.between(oldest, Instant.now()))
                    .map(d -> d.isNegative() ? Duration.ZERO : d);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static String fileUri(Source source) {
        String stamp = "${date:now:yyyyMMdd'T'HHmmssSSS}-${file:name}";
        return "file:" + source.folder().inbox().toAbsolutePath()
                + "?include=RAW(" + source.folder().include() + ")"
                + "&move=.done/" + stamp
                + "&moveFailed=.failed/" + stamp
                + "&readLock=changed&readLockCheckInterval=250&readLockTimeout=60000"
                + "&delay=" + source.folder().pollDelay().toMillis()
                + "&autoCreate=true";
    }
}
