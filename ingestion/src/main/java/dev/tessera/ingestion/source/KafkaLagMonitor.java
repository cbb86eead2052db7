package dev.tessera.ingestion.source;

import dev.tessera.ingestion.operations.SourceActivity;
import dev.tessera.ingestion.system.IngestionProperties.Source;
import dev.tessera.ingestion.system.IngestionProperties.Transport;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Measures the lag of every Kafka source every {@link #EVERY} on a thread of its own (one per source)
 * and gives the sources API and the gauges the last measurement, so reading them never waits for a
 * broker. A measurement that fails (brokers unreachable, group unknown to them) or is older than
 * {@link #STALE} reads as unknown. Runs whether the source's route is started or stopped: a stopped
 * route's lag is what it will have to catch up.
 */
@Component
class KafkaLagMonitor implements SmartLifecycle {

    static final Duration EVERY = Duration.ofSeconds(5);
    static final Duration STALE = Duration.ofSeconds(30);

    private static final Logger log = LoggerFactory.getLogger(KafkaLagMonitor.class);

    private final List<Measured> sources = new ArrayList<>();
    private final Clock clock;
    private volatile boolean running;

    KafkaLagMonitor(SourceCatalog catalog, SourceActivity activity, Clock clock) {
        this.clock = clock;
        for (SourceCatalog.Ready ready : catalog.all()) {
            Source source = ready.source();
            if (source.enabled() && source.transport() == Transport.KAFKA) {
                Measured measured = new Measured(ready);
                sources.add(measured);
                activity.lagProbe(source.name(), () -> measured.fresh().flatMap(KafkaLag.Measurement::oldestAge));
                activity.messageLagProbe(source.name(), () -> measured.fresh()
                        .map(m -> OptionalLong.of(m.messages())).orElse(OptionalLong.empty()));
            }
        }
    }

    @Override
    public void start() {
        sources.forEach(Measured::start);
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        sources.forEach(Measured::stop);
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private final class Measured {

        private final SourceCatalog.Ready ready;
        private final AtomicReference<KafkaLag.Measurement> last = new AtomicReference<>();
        private ScheduledExecutorService thread;
        private KafkaLag lag; // confined to the thread
        private boolean failing;

        Measured(SourceCatalog.Ready ready) {
            this.ready = ready;
        }

        Optional<KafkaLag.Measurement> fresh() {
            return Optional.ofNullable(last.get())
                    .filter(m -> m.at().isAfter(clock.instant().minus(STALE)));
        }

        synchronized void start() {
            if (thread != null) {
                return;
            }
            String name = ready.source().name();
            thread = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "tessera-kafka-lag-" + name);
                t.setDaemon(true);
                return t;
            });
            thread.scheduleWithFixedDelay(this::measure, 0, EVERY.toMillis(), TimeUnit.MILLISECONDS);
        }

        private void measure() {
            Source source = ready.source();
            try {
                if (lag == null) {
                    lag = new KafkaLag(KafkaSourceRoutes.clientProperties(ready), "tessera-" + source.name() + "-lag",
                            source.kafka().topic(), source.kafkaGroup(), source.kafka().autoOffsetReset(), clock);
                }
                last.set(lag.measure());
                if (failing) {
                    log.info("Kafka lag of source {} is measured again", source.name());
                    failing = false;
                }
            } catch (InterruptedException | org.apache.kafka.common.errors.InterruptException e) {
                Thread.currentThread().interrupt(); // stopping
            } catch (Exception e) {
                last.set(null); // unknown, not the figure from before the brokers went away
                if (!failing) {
                    log.warn("Kafka lag of source {} cannot be measured: {}", source.name(), e.getClass().getSimpleName());
                    failing = true;
                }
            }
        }

        synchronized void stop() {
            if (thread == null) {
                return;
            }
            thread.shutdownNow();
            try {
                thread.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (lag != null) {
                lag.close();
                lag = null;
            }
            thread = null;
        }
    }
}
