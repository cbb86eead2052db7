package dev.tessera.ingestion.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tessera.ingestion.system.IngestionProperties.OffsetReset;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;

/**
 * The lag of a topic written by transactional producers, with a real (embedded) broker. Each transaction
 * ends with a marker that takes an offset and that no consumer receives; the route commits the offset after
 * its last message, in front of the marker, so counting offsets alone showed one message waiting for ever,
 * and its age as unknown. An aborted transaction is nothing the route reads (it reads {@code
 * read_committed}) and no lag. A transaction still open cannot be read yet: its messages wait, with no age
 * until it commits.
 *
 * <p>The broker answers a commit or abort before it has written the markers, so each measurement is
 * awaited (a few milliseconds) instead of taken once.
 */
@EmbeddedKafka(partitions = 1, topics = KafkaTransactionLagIT.TOPIC, brokerProperties = {
        "transaction.state.log.replication.factor=1", "transaction.state.log.min.isr=1"})
class KafkaTransactionLagIT {

    static final String TOPIC = "crm.contacts.tx";
    static final String GROUP = "tessera-tx";
    static final TopicPartition PARTITION = new TopicPartition(TOPIC, 0);
    static final Duration HOUR = Duration.ofHours(1);

    @Test
    void transactionMarkersAbortedAndOpenTransactionsAreNoLag(EmbeddedKafkaBroker broker) throws Exception {
        String servers = broker.getBrokersAsString();
        long anHourAgo = Instant.now().minus(HOUR).toEpochMilli();
        try (KafkaProducer<byte[], byte[]> producer = transactional(servers);
                KafkaLag lag = new KafkaLag(Map.of("bootstrap.servers", servers), "tessera-tx-lag", TOPIC, GROUP,
                        OffsetReset.EARLIEST, Clock.systemUTC())) {
            producer.initTransactions();
            producer.beginTransaction();
            for (int i = 0; i < 3; i++) {
                producer.send(new ProducerRecord<>(TOPIC, 0, anHourAgo + i, null, ("contact-" + i).getBytes()));
            }
            producer.commitTransaction(); // offsets 0-2, the commit marker at 3

            // nothing consumed yet: three messages wait (and the marker, counted as an offset), an hour old
            settles(lag, before -> {
                assertThat(before.messages()).isBetween(3L, 4L);
                assertThat(before.oldestAge()).hasValueSatisfying(age -> assertThat(age).isBetween(HOUR,
                        HOUR.plusMinutes(10)));
            });

            producer.beginTransaction();
            producer.send(new ProducerRecord<>(TOPIC, 0, anHourAgo, null, "rolled back".getBytes()));
            producer.flush(); // written to the partition, then rolled back
            producer.abortTransaction(); // offset 4, the abort marker at 5

            // the route reads the three and commits after the last one, as Camel's manual commit does
            assertThat(consumeAndCommit(servers)).containsExactly("contact-0", "contact-1", "contact-2");

            settles(lag, caughtUp -> {
                assertThat(caughtUp.messages()).as("markers and an aborted transaction are no lag").isZero();
                assertThat(caughtUp.oldestAge()).contains(Duration.ZERO);
            });

            producer.beginTransaction();
            producer.send(new ProducerRecord<>(TOPIC, 0, anHourAgo, null, "pending".getBytes()));
            producer.flush();
            settles(lag, open -> {
                assertThat(open.messages()).as("it waits, though it cannot be read yet").isEqualTo(1);
                assertThat(open.oldestAge()).as("no age before it can be read").contains(Duration.ZERO);
            });

            producer.commitTransaction();
            settles(lag, committed -> {
                assertThat(committed.messages()).as("the message and its marker").isBetween(1L, 2L);
                assertThat(committed.oldestAge()).hasValueSatisfying(age -> assertThat(age).isBetween(HOUR,
                        HOUR.plusMinutes(10)));
            });
        }
    }

    /** Measures until the assertions hold (markers land a moment after the producer's call returns). */
    private static void settles(KafkaLag lag, java.util.function.Consumer<KafkaLag.Measurement> expected) {
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> expected.accept(lag.measure()));
    }

    private static KafkaProducer<byte[], byte[]> transactional(String servers) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers,
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "crm-export", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Reads what a read_committed consumer gets, and commits the offset after the last message read. */
    private static List<String> consumeAndCommit(String servers) {
        List<String> read = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers, ConsumerConfig.GROUP_ID_CONFIG, GROUP,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.assign(List.of(PARTITION));
            consumer.seekToBeginning(List.of(PARTITION));
            long last = -1;
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (read.size() < 3 && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    read.add(new String(record.value()));
                    last = record.offset();
                }
            }
            consumer.commitSync(Map.of(PARTITION, new OffsetAndMetadata(last + 1)));
        }
        return read;
    }
}
