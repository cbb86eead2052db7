package dev.tessera.ingestion.operations;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * What each source route has done since start: items received, stored and rejected, the last success
 * and the last error, and the progress of the file being imported. Routes and importers report here; the
 * sources API and the Micrometer meters ({@code tessera.source.items}, {@code tessera.source.lag})
 * read it. Thread-safe.
 *
 * <p>Error texts are the rejection reasons, which name fields and never carry the values (see the
 * mappers); they are safe to show to integrators and to put in metrics backends.
 */
public final class SourceActivity {

    private final Map<String, Counters> bySource = new ConcurrentHashMap<>();
    private final MeterRegistry meters;
    private final Clock clock;

    public SourceActivity(MeterRegistry meters, Clock clock) {
        this.meters = meters;
        this.clock = clock;
    }

    /** An item (row, webhook, message) arrived. */
    public void received(String source) {
        counters(source).received.incrementAndGet();
    }

    /** An item was stored (its records resolved, its interactions on the timeline). */
    public void stored(String source) {
        Counters c = counters(source);
        c.stored.incrementAndGet();
        c.lastSuccess.set(clock.instant());
    }

    /** An item was rejected and kept as a dead letter. */
    public void rejected(String source, String reason) {
        Counters c = counters(source);
        c.rejected.incrementAndGet();
        c.lastError.set(new LastError(clock.instant(), reason));
    }

    /**
     * An item was refused because it belongs to an erased person: neither stored nor dead-lettered (a dead
     * letter would keep the personal data the erasure removed).
     */
    public void erased(String source) {
        counters(source).erased.incrementAndGet();
    }

    /** The route itself failed (storage down, unreadable file): not an item rejection. */
    public void failed(String source, String reason) {
        counters(source).lastError.set(new LastError(clock.instant(), reason));
    }

    /** A file import started: {@code total} rows (lines after the header) to go. */
    public void fileStarted(String source, String file, long total) {
        counters(source).progress.set(new Progress(file, 0, total, clock.instant()));
    }

    /** One more row of the current file is done (stored or rejected). */
    public void rowDone(String source) {
        counters(source).progress.updateAndGet(p -> p == null ? null : p.next());
    }

    /**
     * A Camel route of the integrator's own (YAML) delivered a payload for this source of transport
     * custom: its status is the source's, and stopping or starting the source stops or starts it.
     */
    public void deliveredBy(String source, String camelRoute) {
        counters(source).customRoutes.add(camelRoute);
    }

    /** The integrator's own routes that have delivered for this source since start-up, by id. */
    public java.util.SortedSet<String> customRoutes(String source) {
        return new java.util.TreeSet<>(counters(source).customRoutes);
    }

    public void fileFinished(String source) {
        counters(source).progress.set(null);
    }

    /**
     * How to tell how far behind a source is (e.g. the age of its oldest waiting file); given by its
     * route, asked when the status or the gauge is read.
     */
    public void lagProbe(String source, Supplier<Optional<Duration>> probe) {
        counters(source).lag = probe;
    }

    /**
     * How many messages a source has waiting (Kafka: the sum over partitions of log end offset minus the
     * group's committed offset); also the gauge {@code tessera.source.lag.messages}, registered for the
     * sources that give such a probe, NaN while the figure is unknown.
     */
    public void messageLagProbe(String source, Supplier<OptionalLong> probe) {
        Counters c = counters(source);
        boolean first = c.messageLag == null;
        c.messageLag = probe;
        if (first) {
            Gauge.builder("tessera.source.lag.messages", c,
                            counters -> counters.messageLag().stream().mapToDouble(m -> m).findFirst().orElse(Double.NaN))
                    .description("Messages a source has waiting, e.g. a Kafka consumer group's lag over all partitions")
                    .baseUnit("messages")
                    .tags("source", source)
                    .register(meters);
        }
    }

    public Snapshot snapshot(String source) {
        Counters c = counters(source);
        return new Snapshot(c.received.get(), c.stored.get(), c.rejected.get(), c.erased.get(),
                Optional.ofNullable(c.lastSuccess.get()), Optional.ofNullable(c.lastError.get()), c.lag(),
                c.messageLag(), Optional.ofNullable(c.progress.get()));
    }

    private Counters counters(String source) {
        return bySource.computeIfAbsent(source, this::register);
    }

    private Counters register(String source) {
        Counters c = new Counters();
        for (var outcome : Map.of("received", c.received, "stored", c.stored, "rejected", c.rejected, "erased", c.erased).entrySet()) {
            FunctionCounter.builder("tessera.source.items", outcome.getValue(), AtomicLong::get)
                    .description("Items a source route received, stored, rejected and refused as erased")
                    .tags("source", source, "outcome", outcome.getKey())
                    .register(meters);
        }
        Gauge.builder("tessera.source.lag", c, counters -> counters.lag().map(d -> d.toMillis() / 1000.0).orElse(0.0))
                .description("How far a source is behind, e.g. the age of its oldest waiting file")
                .baseUnit("seconds")
                .tags("source", source)
                .register(meters);
        return c;
    }

    private static final class Counters {
        final AtomicLong received = new AtomicLong();
        final AtomicLong stored = new AtomicLong();
        final AtomicLong rejected = new AtomicLong();
        final AtomicLong erased = new AtomicLong();
        volatile Supplier<Optional<Duration>> lag = Optional::empty;
        volatile Supplier<OptionalLong> messageLag;
        final AtomicReference<Instant> lastSuccess = new AtomicReference<>();
        final AtomicReference<LastError> lastError = new AtomicReference<>();
        final AtomicReference<Progress> progress = new AtomicReference<>();
        final java.util.Set<String> customRoutes = ConcurrentHashMap.newKeySet();

        Optional<Duration> lag() {
            try {
                return lag.get();
            } catch (RuntimeException e) {
                return Optional.empty(); // a probe that cannot tell (folder gone) is no lag figure
            }
        }

        OptionalLong messageLag() {
            Supplier<OptionalLong> probe = messageLag;
            try {
                return probe == null ? OptionalLong.empty() : probe.get();
            } catch (RuntimeException e) {
                return OptionalLong.empty();
            }
        }
    }

    public record LastError(Instant at, String reason) {}

    /** Rows done of a file being imported. */
    public record Progress(String file, long done, long total, Instant startedAt) {
        Progress next() {
            return new Progress(file, done + 1, Math.max(total, done + 1), startedAt);
        }
    }

    public record Snapshot(long received, long stored, long rejected, long erased, Optional<Instant> lastSuccess,
            Optional<LastError> lastError, Optional<Duration> lag, OptionalLong lagMessages,
            Optional<Progress> progress) {}
}
