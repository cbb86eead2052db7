package dev.tessera.adminui.sources;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.tessera.adminui.AdminUiProperties;
import dev.tessera.adminui.ServiceCalls;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.RestClient;

/**
 * The ingestion app's operations API (sources, their routes, dead letters), called with the signed-in
 * user's token; failures as {@link ServiceCalls} maps them. The answers' records ignore fields the app
 * adds later, so a newer ingestion app does not break the console.
 */
@Component
class IngestionClient {

    private final RestClient rest;
    private final ServiceCalls calls = new ServiceCalls("ingestion app", IngestionClient.class,
            IngestionException::new);

    IngestionClient(RestClient.Builder builder, AdminUiProperties properties) {
        this.rest = builder.baseUrl(properties.ingestion().baseUri()).build();
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record SourceList(List<SourceStatus> items, int count) {}

    /** @param lagMessages Kafka sources: messages waiting (log end minus committed offset); null for others */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record SourceStatus(String name, String kind, String transport, String format, boolean enabled, String route,
            String status, long received, long stored, long rejected, long deadLetters, Instant lastSuccess,
            LastError lastError, Double lagSeconds, Long lagMessages, Progress progress) {

        /** Whether the route can be stopped or started now. */
        public boolean running() {
            return "started".equals(status);
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record LastError(Instant at, String reason) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Progress(String file, long done, long total, Instant startedAt) {

        public int percent() {
            return total <= 0 ? 0 : (int) Math.min(100, done * 100 / total);
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record DeadLetterPage(List<DeadLetterSummary> items, long total, int offset, int limit) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record DeadLetterSummary(String id, String origin, String reason, Instant receivedAt) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record DeadLetter(String id, String route, String origin, String reason, String payload, Instant receivedAt) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Replayed(String id, String profile, String outcome) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Problem(String title, String detail) {}

    List<SourceStatus> sources() {
        return call("sources", () -> {
            SourceList list = rest.get().uri("/api/v1/sources").retrieve().body(SourceList.class);
            return list == null ? List.<SourceStatus>of() : list.items();
        });
    }

    Optional<SourceStatus> source(String name) {
        return call("source", () -> {
            try {
                return Optional.ofNullable(rest.get().uri("/api/v1/sources/{name}", name).retrieve()
                        .body(SourceStatus.class));
            } catch (HttpClientErrorException.NotFound e) {
                return Optional.empty();
            }
        });
    }

    /** Stops or starts the source's route ({@code action} is {@code stop} or {@code start}). */
    void control(String name, String action) {
        call(action, () -> rest.post().uri("/api/v1/sources/{name}/{action}", name, action).retrieve().toBodilessEntity());
    }

    DeadLetterPage deadLetters(String name, int offset, int limit) {
        return call("dead-letters", () -> rest.get()
                .uri("/api/v1/sources/{name}/dead-letters?offset={offset}&limit={limit}", name, offset, limit)
                .retrieve().body(DeadLetterPage.class));
    }

    Optional<DeadLetter> deadLetter(String name, String id) {
        return call("dead-letter", () -> {
            try {
                return Optional.ofNullable(rest.get().uri("/api/v1/sources/{name}/dead-letters/{id}", name, id)
                        .retrieve().body(DeadLetter.class));
            } catch (HttpClientErrorException.NotFound e) {
                return Optional.empty();
            }
        });
    }

    /** Replays a dead letter; a refusal (still rejected, not replayable) comes back as its reason. */
    ReplayAnswer replay(String name, String id) {
        return call("replay", () -> {
            try {
                Replayed replayed = rest.post().uri("/api/v1/sources/{name}/dead-letters/{id}/replay", name, id)
                        .retrieve().body(Replayed.class);
                return new ReplayAnswer(true, replayed == null ? "" : replayed.outcome());
            } catch (HttpClientErrorException e) {
                // 409: not replayable (e.g. failed its signature); 422: the current mapping rejects it again
                if (e.getStatusCode().value() == 409 || e.getStatusCode().value() == 422) {
                    return new ReplayAnswer(false, detail(e));
                }
                throw e;
            }
        });
    }

    public record ReplayAnswer(boolean stored, String message) {}

    /** Dead letters per reason, most frequent first; {@code complete} false when counted over a part only. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Reasons(List<ReasonCount> counts, long counted, boolean complete) {
        public Reasons {
            counts = counts == null ? List.of() : List.copyOf(counts);
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ReasonCount(String reason, long count) {}

    /** What a bulk replay did (docs/sources.md, operations API). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record BulkReplay(long attempted, long replayed, long rejectedAgain, long notReplayable, long remaining,
            List<ReasonCount> stillRejected, int next) {
        public BulkReplay {
            stillRejected = stillRejected == null ? List.of() : List.copyOf(stillRejected);
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Discarded(long discarded) {}

    Reasons reasons(String name) {
        return call("dead-letter reasons", () -> rest.get().uri("/api/v1/sources/{name}/dead-letters/reasons", name)
                .retrieve().body(Reasons.class));
    }

    /** Replays up to {@code limit} dead letters oldest first, only those with this reason unless null. */
    BulkReplay replayAll(String name, String reason, int limit, int offset) {
        return call("bulk replay", () -> reason == null
                ? rest.post().uri("/api/v1/sources/{name}/dead-letters/replay?limit={limit}&offset={offset}", name,
                        limit, offset).retrieve().body(BulkReplay.class)
                : rest.post().uri("/api/v1/sources/{name}/dead-letters/replay?reason={reason}&limit={limit}"
                        + "&offset={offset}", name, reason, limit, offset).retrieve().body(BulkReplay.class));
    }

    /** Discards every dead letter of the source with exactly this reason; how many went. */
    long discardAll(String name, String reason) {
        return call("bulk discard", () -> {
            Discarded discarded = rest.delete().uri("/api/v1/sources/{name}/dead-letters?reason={reason}", name, reason)
                    .retrieve().body(Discarded.class);
            return discarded == null ? 0L : discarded.discarded();
        });
    }

    boolean discard(String name, String id) {
        return call("discard", () -> {
            try {
                rest.delete().uri("/api/v1/sources/{name}/dead-letters/{id}", name, id).retrieve().toBodilessEntity();
                return true;
            } catch (HttpClientErrorException.NotFound e) {
                return false;
            }
        });
    }

    private static String detail(HttpClientErrorException e) {
        return ServiceCalls.refusal(e, Problem.class).map(Problem::detail).filter(d -> !d.isBlank())
                .orElse("the ingestion app refused the replay");
    }

    private <T> T call(String operation, Supplier<T> request) {
        return calls.call(operation, request);
    }

    /** The ingestion app could not serve the request; {@code status} is what the page answers. */
    static final class IngestionException extends RuntimeException {

        private final HttpStatus status;

        IngestionException(HttpStatus status, String message) {
            super(message);
            this.status = status;
        }

        HttpStatus status() {
            return status;
        }
    }
}
