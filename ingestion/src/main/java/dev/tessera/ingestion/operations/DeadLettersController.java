package dev.tessera.ingestion.operations;

import dev.tessera.core.deadletter.DeadLetter;
import dev.tessera.core.deadletter.DeadLetterStore;
import dev.tessera.core.identity.Resolution;
import dev.tessera.ingestion.format.PayloadRejectedException;
import dev.tessera.ingestion.format.SourcePayload;
import dev.tessera.ingestion.source.PayloadIntake;
import dev.tessera.ingestion.source.SourceCatalog;
import dev.tessera.ingestion.source.csv.CsvFileImporter;
import dev.tessera.ingestion.source.csv.RowRejectedException;
import dev.tessera.ingestion.system.IngestionProperties;
import dev.tessera.ingestion.system.IngestionProperties.Source;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.time.Instant;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Dead letters of a source: list (newest first), inspect (with the original payload), replay through
 * the source's current mapping, or discard. A replayed item that is stored leaves the store; one that is
 * rejected again stays, and the answer says why.
 */
@RestController
@RequestMapping("/api/v1/sources/{name}/dead-letters")
class DeadLettersController {

    private static final int MAX_PAGE = 500;

    private final IngestionProperties properties;
    private final DeadLetterStore deadLetters;
    private final CsvFileImporter csv;
    private final SourceActivity activity;
    private final SourceCatalog catalog;
    private final PayloadIntake intake;

    DeadLettersController(IngestionProperties properties, DeadLetterStore deadLetters, CsvFileImporter csv,
            SourceActivity activity, SourceCatalog catalog, PayloadIntake intake) {
        this.properties = properties;
        this.deadLetters = deadLetters;
        this.csv = csv;
        this.activity = activity;
        this.catalog = catalog;
        this.intake = intake;
    }

    @GetMapping
    Page list(@PathVariable String name, @RequestParam(defaultValue = "0") int offset,
            @RequestParam(defaultValue = "50") int limit) {
        Source source = Sources.find(properties, name);
        if (offset < 0) {
            throw new OperationsProblems.InvalidParameter("offset", "must not be negative");
        }
        if (limit < 1 || limit > MAX_PAGE) {
            throw new OperationsProblems.InvalidParameter("limit", "must be between 1 and " + MAX_PAGE);
        }
        List<Summary> items = deadLetters.list(source.routeId(), offset, limit).stream()
                .map(l -> new Summary(l.id(), l.origin(), l.reason(), l.receivedAt()))
                .toList();
        return new Page(items, deadLetters.count(source.routeId()), offset, limit);
    }

    @GetMapping("/{id}")
    DeadLetter one(@PathVariable String name, @PathVariable String id) {
        Source source = Sources.find(properties, name);
        return deadLetters.find(source.routeId(), id).orElseThrow(OperationsProblems.UnknownDeadLetter::new);
    }

    @PostMapping("/{id}/replay")
    ResponseEntity<Replayed> replay(@PathVariable String name, @PathVariable String id) throws IOException {
        Source source = Sources.find(properties, name);
        DeadLetter letter = deadLetters.find(source.routeId(), id)
                .orElseThrow(OperationsProblems.UnknownDeadLetter::new);
        if (!source.isCsv()) {
            return ResponseEntity.ok(replayPayload(source, letter));
        }
        if (letter.origin().indexOf(':') < 0) {
            throw new OperationsProblems.NotReplayable(
                    "a rejected file is replayed by moving it from the inbox's .failed folder back into the inbox");
        }
        Resolution resolution;
        try {
            resolution = csv.replayRow(source, letter.payload(), letter.receivedAt());
        } catch (RowRejectedException e) {
            throw new OperationsProblems.StillRejected(e.getMessage());
        }
        deadLetters.remove(source.routeId(), id);
        activity.stored(source.name());
        return ResponseEntity.ok(new Replayed(id, resolution.profileId() == null ? null : resolution.profileId().value(),
                resolution.outcome().name().toLowerCase(java.util.Locale.ROOT)));
    }

    /**
     * A payload (or one element of it) of a JSON format, mapped and stored again. Payloads that failed
     * their signature check are never replayed: their content is unauthenticated, the vendor must
     * deliver again.
     */
    private Replayed replayPayload(Source source, DeadLetter letter) {
        if (letter.origin().startsWith(PayloadIntake.UNVERIFIED + ":")) {
            throw new OperationsProblems.NotReplayable(
                    "this payload failed its signature check; it is kept to inspect, and the vendor must deliver it again");
        }
        if (!letter.origin().startsWith(PayloadIntake.VERIFIED + ":")) {
            throw new OperationsProblems.NotReplayable("this dead letter holds no payload to replay");
        }
        SourceCatalog.Ready ready = catalog.find(source.name()).orElseThrow();
        PayloadIntake.Report report;
        try {
            report = intake.replay(ready, new SourcePayload(source.records(),
                    letter.payload().getBytes(StandardCharsets.UTF_8), Map.of(), letter.receivedAt()), letter.origin());
        } catch (PayloadRejectedException e) {
            throw new OperationsProblems.StillRejected(e.getMessage());
        }
        if (report.rejected() > 0 && report.records() == 0 && report.interactions() + report.pending() == 0) {
            throw new OperationsProblems.StillRejected("every element is rejected again (see the newest dead letters)");
        }
        deadLetters.remove(source.routeId(), letter.id());
        activity.stored(source.name());
        return new Replayed(letter.id(), null, "stored " + report.records() + " record(s), "
                + (report.interactions() + report.pending()) + " interaction(s)");
    }

    @DeleteMapping("/{id}")
    ResponseEntity<Void> discard(@PathVariable String name, @PathVariable String id) {
        Source source = Sources.find(properties, name);
        if (!deadLetters.remove(source.routeId(), id)) {
            throw new OperationsProblems.UnknownDeadLetter();
        }
        return ResponseEntity.noContent().build();
    }

    record Summary(String id, String origin, String reason, Instant receivedAt) {}

    record Page(List<Summary> items, long total, int offset, int limit) {}

    record Replayed(String id, String profile, String outcome) {}
}
