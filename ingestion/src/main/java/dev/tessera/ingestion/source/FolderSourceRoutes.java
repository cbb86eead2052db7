package dev.tessera.ingestion.source;

import dev.tessera.ingestion.source.csv.CsvFileImporter;
import dev.tessera.ingestion.source.csv.ImportReport;
import dev.tessera.ingestion.system.IngestionProperties;
import dev.tessera.ingestion.system.IngestionProperties.Source;
import dev.tessera.ingestion.system.IngestionProperties.Transport;
import java.io.InputStream;
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

    FolderSourceRoutes(IngestionProperties properties, CsvFileImporter importer) {
        this.properties = properties;
        this.importer = importer;
    }

    @Override
    public void configure() {
        for (Source source : properties.sources()) {
            if (source.enabled() && source.transport() == Transport.FOLDER) {
                from(fileUri(source))
                        .routeId(source.routeId())
                        .routeConfigurationId(SourceErrorHandling.ID)
                        .process(exchange -> importFile(source, exchange))
                        .log("${routeId} imported ${header." + REPORT_HEADER + "}");
            }
        }
    }

    private void importFile(Source source, Exchange exchange) throws Exception {
        String fileName = exchange.getIn().getHeader(Exchange.FILE_NAME, String.class);
        Long modified = exchange.getIn().getHeader(Exchange.FILE_LAST_MODIFIED, Long.class);
        Instant fileTime = modified == null ? Instant.now() : Instant.ofEpochMilli(modified);
        try (InputStream in = exchange.getIn().getMandatoryBody(InputStream.class)) {
            ImportReport report = importer.importFile(source, in, fileName, fileTime);
            exchange.getMessage().setHeader(REPORT_HEADER, report);
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
