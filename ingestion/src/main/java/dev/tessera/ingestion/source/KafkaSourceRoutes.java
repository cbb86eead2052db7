package dev.tessera.ingestion.source;

import dev.tessera.ingestion.format.PayloadRejectedException;
import dev.tessera.ingestion.format.SourcePayload;
import dev.tessera.ingestion.system.IngestionProperties.Kafka;
import dev.tessera.ingestion.system.IngestionProperties.KafkaSecurity;
import dev.tessera.ingestion.system.IngestionProperties.Transport;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.component.kafka.KafkaConfiguration;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.KafkaEndpoint;
import org.apache.camel.component.kafka.PollOnError;
import org.apache.camel.component.kafka.consumer.DefaultKafkaManualCommitFactory;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.springframework.stereotype.Component;

/**
 * One route per Kafka source (id {@code source-<name>}): each message on the topic is one payload of the
 * source's JSON format, stored through {@link PayloadIntake}.
 *
 * <p>Offsets are committed by the route, never by the Kafka client's timer: a message's offset is
 * committed only once it is stored or kept as a dead letter (synchronously, once per partition and poll;
 * the consumer commits what it finished before it stops, fails or gives up a partition). A message that
 * fails for want of storage is not committed: after the shared error handling's retries the consumer
 * goes back to it ({@code breakOnFirstError}) and tries again until Redis is back. Re-delivery after a
 * crash is harmless: records resolve unchanged and interactions are deduplicated by id.
 *
 * <p>Kafka sources have no signature check: the broker authenticates producers.
 */
@Component
class KafkaSourceRoutes extends RouteBuilder {

    private final SourceCatalog catalog;
    private final PayloadIntake intake;
    private final Clock clock;
    private final dev.tessera.ingestion.operations.SourceActivity activity;

    KafkaSourceRoutes(SourceCatalog catalog, PayloadIntake intake, Clock clock,
            dev.tessera.ingestion.operations.SourceActivity activity) {
        this.catalog = catalog;
        this.intake = intake;
        this.clock = clock;
        this.activity = activity;
    }

    @Override
    public void configure() {
        for (SourceCatalog.Ready ready : catalog.all()) {
            if (ready.source().enabled() && ready.source().transport() == Transport.KAFKA) {
                from(endpoint(ready))
                        .routeId(ready.source().routeId())
                        .routeConfigurationId(SourceErrorHandling.ID)
                        .process(exchange -> receive(ready, exchange))
                        .process(KafkaSourceRoutes::commitAtEndOfPoll);
            }
        }
    }

    /** Records per poll: at the resolver's slowest, well inside {@link #MAX_POLL_INTERVAL_MS}. */
    static final int MAX_POLL_RECORDS = 100;
    static final int MAX_POLL_INTERVAL_MS = 600_000;

    private void receive(SourceCatalog.Ready ready, Exchange exchange) {
        byte[] body = exchange.getIn().getBody(byte[].class);
        if (body == null) {
            return; // a tombstone (compacted topics): nothing to store
        }
        String origin = "kafka:" + exchange.getIn().getHeader(KafkaConstants.TOPIC, String.class)
                + "/" + exchange.getIn().getHeader(KafkaConstants.PARTITION, Integer.class)
                + "@" + exchange.getIn().getHeader(KafkaConstants.OFFSET, Long.class);
        SourcePayload payload = new SourcePayload(ready.source().records(), body,
                headers(exchange.getIn().getHeader(KafkaConstants.HEADERS, Headers.class)), receivedAt(exchange));
        try {
            exchange.getMessage().setBody(intake.receive(ready, payload, origin));
        } catch (PayloadRejectedException e) {
            // already a dead letter with its reason: done with this message, so its offset is committed
            exchange.getMessage().setBody(null);
        } catch (RuntimeException e) {
            if (SourceErrorHandling.isOutage(e)) {
                // the last error explains a stalled partition (docs/sources.md)
                activity.failed(ready.source().name(), "message not stored: " + e.getClass().getSimpleName()
                        + " (retried; the partition waits, nothing is committed)");
                throw e; // retried by the shared error handling, then re-polled: nothing committed
            }
            // a message that breaks the mapping itself, or an error Redis gives every time (a script error, a
            // wrong type), would otherwise block its partition for ever; when even keeping it fails, the
            // exception goes on and the message is retried, uncommitted
            intake.keepFailed(ready, payload, origin, e);
        }
    }

    /**
     * The producer's time stamp: the same on every re-delivery, so a payload without times of its own maps
     * to the same record version each time.
     */
    private Instant receivedAt(Exchange exchange) {
        Long timestamp = exchange.getIn().getHeader(KafkaConstants.TIMESTAMP, Long.class);
        return timestamp != null && timestamp > 0 ? Instant.ofEpochMilli(timestamp) : clock.instant();
    }

    private static Map<String, String> headers(Headers kafkaHeaders) {
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (kafkaHeaders != null) {
            for (Header header : kafkaHeaders) {
                headers.put(header.key(), header.value() == null ? "" : new String(header.value(), StandardCharsets.UTF_8));
            }
        }
        return headers;
    }

    /** Commits up to this message when it is the last of its partition in this poll: one commit per batch. */
    private static void commitAtEndOfPoll(Exchange exchange) {
        if (Boolean.TRUE.equals(exchange.getIn().getHeader(KafkaConstants.LAST_RECORD_BEFORE_COMMIT, Boolean.class))) {
            exchange.getIn().getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class).commit();
        }
    }

    /**
     * The consumer endpoint, configured in code so that SASL credentials never appear in an endpoint URI
     * (which Camel shows in logs, route dumps and JMX).
     */
    private Endpoint endpoint(SourceCatalog.Ready ready) {
        Kafka kafka = ready.source().kafka();
        String group = ready.source().kafkaGroup();
        KafkaComponent component = getContext().getComponent("kafka", KafkaComponent.class);
        KafkaConfiguration configuration = component.getConfiguration().copy();
        configuration.setTopic(kafka.topic());
        configuration.setBrokers(kafka.bootstrapServers());
        configuration.setGroupId(group);
        configuration.setClientId("tessera-" + ready.source().name());
        configuration.setAutoOffsetReset(kafka.autoOffsetReset().name().toLowerCase(Locale.ROOT));
        configuration.setKeyDeserializer(ByteArrayDeserializer.class.getName());
        configuration.setValueDeserializer(ByteArrayDeserializer.class.getName());
        // commits are the route's (above); on a failed message the consumer commits what it finished
        // before it and goes back to the failed one
        configuration.setAutoCommitEnable(false);
        configuration.setAllowManualCommit(true);
        configuration.setBreakOnFirstError(true);
        // an error outside the per-message handling (in the consumer's own poll, or its commit of the work
        // finished before a failed message): rebuild the consumer, which starts again from the committed
        // offsets. The default kept a consumer whose position could already be past the batch, so a later
        // commit could skip what was not stored
        configuration.setPollOnError(PollOnError.RECONNECT);
        // a poll's records must be stored within max.poll.interval.ms, or the group drops the consumer and
        // the batch comes again: fewer records per poll (each may be a batch of events) and more time
        configuration.setMaxPollRecords(MAX_POLL_RECORDS);
        configuration.setMaxPollIntervalMs(MAX_POLL_INTERVAL_MS);
        // records of aborted transactions are not the producer's data
        configuration.setIsolationLevel("read_committed");
        KafkaSecurity security = kafka.security();
        configuration.setSecurityProtocol(security.protocol().name());
        ready.kafkaLogin().ifPresent(login -> {
            configuration.setSaslMechanism(security.mechanism().kafkaName());
            configuration.setSaslJaasConfig(jaas(security, login));
        });
        KafkaEndpoint endpoint = new KafkaEndpoint("kafka:" + kafka.topic() + "?brokers=" + kafka.bootstrapServers()
                + "&groupId=" + group + "&clientId=tessera-" + ready.source().name(), component);
        endpoint.setConfiguration(configuration);
        // the synchronous commit manager: commits return once the broker has them
        endpoint.setKafkaManualCommitFactory(new DefaultKafkaManualCommitFactory());
        return endpoint;
    }

    /**
     * Connection settings for the source's own Kafka clients besides the route's consumer (the lag
     * measurement): the same brokers, protocol and SASL login.
     */
    static Map<String, Object> clientProperties(SourceCatalog.Ready ready) {
        Kafka kafka = ready.source().kafka();
        Map<String, Object> properties = new java.util.HashMap<>();
        properties.put("bootstrap.servers", kafka.bootstrapServers());
        properties.put("security.protocol", kafka.security().protocol().name());
        ready.kafkaLogin().ifPresent(login -> {
            properties.put("sasl.mechanism", kafka.security().mechanism().kafkaName());
            properties.put("sasl.jaas.config", jaas(kafka.security(), login));
        });
        return properties;
    }

    private static String jaas(KafkaSecurity security, SourceCatalog.SaslLogin login) {
        String module = switch (security.mechanism()) {
            case PLAIN -> "org.apache.kafka.common.security.plain.PlainLoginModule";
            case SCRAM_SHA_256, SCRAM_SHA_512 -> "org.apache.kafka.common.security.scram.ScramLoginModule";
        };
        return module + " required username=\"" + quoted(login.username()) + "\" password=\""
                + quoted(login.password()) + "\";";
    }

    /** JAAS quoted strings: a backslash escapes the next character. */
    private static String quoted(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
