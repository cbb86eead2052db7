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
    /** Letters one bulk replay tries at most: it runs within the request. */
    static final int MAX_BULK = 1_000;
    private static final int BULK_PAGE = 100;
    private static final int MAX_REASON = 500;
    private static final int MAX_REASONS_COUNTED = 100_000;

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
    ResponseEntity<Replayed> replay(@PathVariable String name, @PathVariable String id) {
        Source source = Sources.find(properties, name);
        DeadLetter letter = deadLetters.find(source.routeId(), id)
                .orElseThrow(OperationsProblems.UnknownDeadLetter::new);
        Attempt attempt = attempt(source, letter);
        if (attempt instanceof Attempt.Stored stored) {
            return ResponseEntity.ok(stored.replayed());
        }
        if (attempt instanceof Attempt.Rejected rejected) {
            throw new OperationsProblems.StillRejected(rejected.reason());
        }
        throw new OperationsProblems.NotReplayable(((Attempt.NotReplayable) attempt).reason());
    }

    /**
     * Replays a source's dead letters oldest first (the order they came in, so a later row of a record
     * still wins), those with exactly this {@code reason} or all, at most {@code limit} of them: after the
     * mapping was fixed, say. Only letters already kept when the call started are tried, so what a replay
     * rejects again is not tried twice. Call again for the next ones; {@code remaining} says how many
     * matching letters are left untried.
     */
    @PostMapping("/replay")
    BulkReplay replayAll(@PathVariable String name, @RequestParam(required = false) String reason,
            @RequestParam(defaultValue = "500") int limit, @RequestParam(defaultValue = "0") int offset) {
        Source source = Sources.find(properties, name);
        checkReason(reason);
        if (limit < 1 || limit > MAX_BULK) {
            throw new OperationsProblems.InvalidParameter("limit", "must be between 1 and " + MAX_BULK);
        }
        if (offset < 0 || offset > 10_000_000) {
            throw new OperationsProblems.InvalidParameter("offset", "must be between 0 and 10000000");
        }
        // letters kept before this call (one a replay of this call keeps in the same millisecond may be
        // tried once more: it is the same rejection, kept once)
        Instant started = Instant.now();
        long attempted = 0;
        long replayed = 0;
        long notReplayable = 0;
        Map<String, Long> rejectedAgain = new java.util.TreeMap<>();
        boolean more = true;
        while (more && attempted < limit) {
            List<DeadLetter> page = deadLetters.oldest(source.routeId(), started, offset, BULK_PAGE);
            more = page.size() == BULK_PAGE;
            int left = 0;
            for (DeadLetter letter : page) {
                if (attempted >= limit) {
                    more = true;
                    break;
                }
                left++;
                if (reason != null && !reason.equals(letter.reason())) {
                    continue;
                }
                Attempt attempt;
                try {
                    attempt = attempt(source, letter);
                } catch (RuntimeException e) {
                    // this letter cannot be tried now (its header lacks a column the mapping names, say): the
                    // others still are
                    attempt = new Attempt.Rejected("failed: " + e.getClass().getSimpleName());
                }
                if (attempt instanceof Attempt.NotReplayable) {
                    notReplayable++; // kept to inspect only (a failed signature): never counts toward the limit
                    continue;
                }
                attempted++;
                if (attempt instanceof Attempt.Stored) {
                    replayed++;
                    left--; // removed: the letters after it move up
                } else if (attempt instanceof Attempt.Rejected rejected) {
                    rejectedAgain.merge(rejected.reason(), 1L, Long::sum);
                }
            }
            offset += left;
        }
        long remaining = remaining(source, reason, started, offset);
        return new BulkReplay(attempted, replayed, rejectedAgain.values().stream().mapToLong(Long::longValue).sum(),
                notReplayable, remaining, rejectedAgain.entrySet().stream()
                        .map(e -> new DeadLetterStore.ReasonCount(e.getKey(), e.getValue())).toList(), offset);
    }

    /**
     * Matching letters not tried yet: those after {@code offset} among the ones kept before the start (with a
     * reason, counted over at most {@link #MAX_REASONS_COUNTED} letters).
     */
    private long remaining(Source source, String reason, Instant upTo, int offset) {
        if (reason == null) {
            return Math.max(0, deadLetters.count(source.routeId(), upTo) - offset);
        }
        long remaining = 0;
        for (int from = offset; from < offset + MAX_REASONS_COUNTED; from += BULK_PAGE) {
            List<DeadLetter> page = deadLetters.oldest(source.routeId(), upTo, from, BULK_PAGE);
            remaining += page.stream().filter(l -> reason == null || reason.equals(l.reason())).count();
            if (page.size() < BULK_PAGE) {
                break;
            }
        }
        return remaining;
    }

    /** Counts of a source's dead letters per reason, most frequent first (over at most 100,000 letters). */
    @GetMapping("/reasons")
    DeadLetterStore.Reasons reasons(@PathVariable String name) {
        Source source = Sources.find(properties, name);
        return deadLetters.reasons(source.routeId(), MAX_REASONS_COUNTED);
    }

    /** Discards every dead letter of the source with exactly this reason (as {@code /reasons} lists it). */
    @DeleteMapping
    Discarded discardAll(@PathVariable String name, @RequestParam(required = false) String reason) {
        Source source = Sources.find(properties, name);
        if (reason == null) {
            throw new OperationsProblems.InvalidParameter("reason",
                    "is required: the reason whose dead letters to discard, as /reasons lists it");
        }
        checkReason(reason);
        return new Discarded(deadLetters.removeWhere(source.routeId(), l -> reason.equals(l.reason())));
    }

    private static void checkReason(String reason) {
        if (reason != null && (reason.isEmpty() || reason.length() > MAX_REASON
                || reason.chars().anyMatch(Character::isISOControl))) {
            throw new OperationsProblems.InvalidParameter("reason",
                    "must be 1 to " + MAX_REASON + " characters without control characters");
        }
    }

    /** What one replay of a dead letter came to. */
    private sealed interface Attempt {
        record Stored(Replayed replayed) implements Attempt {}

        record Rejected(String reason) implements Attempt {}

        record NotReplayable(String reason) implements Attempt {}
    }

    /** Maps and stores a dead letter again; a stored one leaves the dead letters. */
    private Attempt attempt(Source source, DeadLetter letter) {
        if (!source.isCsv()) {
            return replayPayload(source, letter);
        }
        if (letter.origin().indexOf(':') < 0) {
            return new Attempt.NotReplayable(
                    "a rejected file is replayed by moving it from the inbox's .failed folder back into the inbox");
        }
        Resolution resolution;
        try {
            resolution = csv.replayRow(source, letter.payload(),
                    CsvFileImporter.replayTime(letter.headers(), letter.receivedAt()));
        } catch (RowRejectedException e) {
            return new Attempt.Rejected(e.getMessage());
        } catch (dev.tessera.ingestion.source.csv.MalformedFileException e) {
            // the current mapping names a column the row's file did not have: rejected again, as a bulk replay says
            return new Attempt.Rejected(e.getMessage());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        deadLetters.remove(source.routeId(), letter.id());
        activity.stored(source.name());
        return new Attempt.Stored(new Replayed(letter.id(),
                resolution.profileId() == null ? null : resolution.profileId().value(),
                resolution.outcome().name().toLowerCase(java.util.Locale.ROOT)));
    }

    /**
     * A payload (or one element of it) of a JSON format, mapped and stored again. Payloads that failed
     * their signature check are never replayed: their content is unauthenticated, the vendor must
     * deliver again.
     */
    private Attempt replayPayload(Source source, DeadLetter letter) {
        if (letter.origin().startsWith(PayloadIntake.UNVERIFIED + ":") && letter.reason().startsWith("oversized")) {
            // too large to keep (or to check): nothing here to replay; where it came from is in the origin
            return new Attempt.NotReplayable("this payload was larger than the source's limit and its content was not "
                    + "kept; raise the limit, then have it delivered again (a Kafka message: read again from the "
                    + "offset in its origin)");
        }
        if (letter.origin().startsWith(PayloadIntake.UNVERIFIED + ":")) {
            return new Attempt.NotReplayable(
                    "this payload failed its signature check; it is kept to inspect, and the vendor must deliver it again");
        }
        if (!letter.origin().startsWith(PayloadIntake.VERIFIED + ":")) {
            return new Attempt.NotReplayable("this dead letter holds no payload to replay");
        }
        java.util.Optional<String> segmentFormat = segmentFormatOf(source, letter.payload(), letter.origin());
        SourceCatalog.Ready ready = segmentFormat
                .map(catalog.find(source.name()).orElseThrow()::withFormat)
                .orElseGet(() -> catalog.find(source.name()).orElseThrow());
        java.util.Map<String, String> headers = letter.headers();
        if (segmentFormat.isPresent() && IngestionProperties.SEGMENT_API.equals(source.format())) {
            // it came through the Segment API: its times are read as they were on arrival (clock skew corrected)
            headers = new java.util.LinkedHashMap<>(headers);
            headers.put(dev.tessera.ingestion.format.SourcePayload.SEGMENT_ENDPOINT_HEADER, segmentFormat.get());
        }
        PayloadIntake.Report report;
        try {
            report = intake.replay(ready, new SourcePayload(source.records(),
                    letter.payload().getBytes(StandardCharsets.UTF_8), headers, letter.receivedAt()), letter.origin());
        } catch (PayloadRejectedException e) {
            return new Attempt.Rejected(e.getMessage());
        }
        if (report.rejected() > 0 && report.records() == 0 && report.interactions() + report.pending() == 0) {
            return new Attempt.Rejected("every element is rejected again (see the newest dead letters)");
        }
        if (report.rejectedIds().contains(letter.id())) {
            // an item of it rejected again for the same reason is this very dead letter: it stays
            return new Attempt.Rejected(letter.reason());
        }
        deadLetters.remove(source.routeId(), letter.id()); // the intake counted it as stored
        return new Attempt.Stored(new Replayed(letter.id(), null, "stored " + report.records() + " record(s), "
                + (report.interactions() + report.pending()) + " interaction(s)"));
    }

    private static final java.util.Set<String> SEGMENT_FORMATS =
            java.util.Set.of("segment-api", "segment-batch", "segment-track", "segment-identify");

    /**
     * For a source of the Segment formats, the one that reads this kept payload: the API's {@code /v1/track}
     * and {@code /v1/identify} bodies and the single elements of a batch are messages, not batches. A body
     * without {@code type} (Segment's HTTP API takes it from the endpoint) is read as the endpoint it came
     * through, which its origin names ({@code payload:segment-track:…}).
     */
    private static java.util.Optional<String> segmentFormatOf(Source source, String payload, String origin) {
        if (!SEGMENT_FORMATS.contains(source.format())) {
            return java.util.Optional.empty();
        }
        tools.jackson.databind.JsonNode root;
        try {
            root = JSON.readTree(payload);
        } catch (tools.jackson.core.JacksonException e) {
            return java.util.Optional.empty(); // the source's format rejects it with its reason
        }
        if (root == null || !root.isObject()) {
            return java.util.Optional.empty();
        }
        if (root.path("batch").isArray()) {
            return java.util.Optional.of("segment-batch");
        }
        return switch (root.path("type").asString("")) {
            case "identify" -> java.util.Optional.of("segment-identify");
            case "track" -> java.util.Optional.of("segment-track");
            case "" -> endpointOf(origin);
            default -> java.util.Optional.empty();
        };
    }

    /** {@code segment-track} or {@code segment-identify} from an origin {@code payload:ENDPOINT:delivery}. */
    private static java.util.Optional<String> endpointOf(String origin) {
        String[] parts = origin.split(":", 3);
        return parts.length == 3 && (parts[1].equals("segment-track") || parts[1].equals("segment-identify"))
                ? java.util.Optional.of(parts[1]) : java.util.Optional.empty();
    }

    private static final tools.jackson.databind.json.JsonMapper JSON =
            tools.jackson.databind.json.JsonMapper.builder().build();

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

    /**
     * @param attempted     letters tried
     * @param replayed      stored, and gone from the dead letters
     * @param rejectedAgain rejected again (they stay), by the reason given now in {@code stillRejected}
     * @param notReplayable kept only to inspect (a failed signature, a whole rejected file)
     * @param remaining     letters matching the call not tried yet (call again with {@code offset=next})
     * @param next          where the next call goes on: past the letters this one looked at that stay
     */
    record BulkReplay(long attempted, long replayed, long rejectedAgain, long notReplayable, long remaining,
            List<DeadLetterStore.ReasonCount> stillRejected, int next) {}

    record Discarded(long discarded) {}
}
