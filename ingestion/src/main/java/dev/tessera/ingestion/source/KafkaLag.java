package dev.tessera.ingestion.source;

import dev.tessera.ingestion.system.IngestionProperties.OffsetReset;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * How far a Kafka source's consumer group is behind its topic, asked of the brokers: per partition the
 * messages from the group's committed offset (the log start when retention removed messages before it;
 * without a commit, where the group would start: log start for {@code earliest}, log end for
 * {@code latest}) to the log end offset, and the time stamp of the first of them. The lag is the sum of
 * the messages and the age of the oldest such first message (zero when nothing waits).
 *
 * <p>Every broker call has a short timeout, so a measurement fails quickly when the brokers do not
 * answer. Not thread-safe (it owns a consumer): one thread measures.
 */
final class KafkaLag implements AutoCloseable {

    /** @param oldestAge empty when the first waiting message of some partition could not be read in time */
    record Measurement(long messages, Optional<Duration> oldestAge, Instant at) {}

    static final Duration TIMEOUT = Duration.ofSeconds(3);

    private final String topic;
    private final String group;
    private final OffsetReset reset;
    private final Clock clock;
    private final Admin admin;
    private final KafkaConsumer<byte[], byte[]> reader;

    KafkaLag(Map<String, Object> connection, String clientId, String topic, String group, OffsetReset reset,
            Clock clock) {
        this.topic = topic;
        this.group = group;
        this.reset = reset;
        this.clock = clock;
        int timeout = (int) TIMEOUT.toMillis();
        Map<String, Object> common = new HashMap<>(connection);
        common.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
        common.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeout);
        common.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeout);
        common.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 10_000);
        this.admin = Admin.create(common);
        Map<String, Object> consumer = new HashMap<>(common);
        // no group: it reads by assignment and commits nothing, so the source's group is never touched
        consumer.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // the broker still returns the first batch of a partition whatever its size: one batch each
        consumer.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 1);
        consumer.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 1);
        this.reader = new KafkaConsumer<>(consumer, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    Measurement measure() throws InterruptedException, ExecutionException, TimeoutException {
        Set<TopicPartition> partitions = admin.describeTopics(List.of(topic)).allTopicNames()
                .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(topic).partitions().stream()
                .map(p -> new TopicPartition(topic, p.partition()))
                .collect(Collectors.toSet());
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        Map<TopicPartition, ListOffsetsResultInfo> ends = offsets(partitions, OffsetSpec.latest());
        Map<TopicPartition, ListOffsetsResultInfo> starts = offsets(partitions, OffsetSpec.earliest());
        long messages = 0;
        Map<TopicPartition, Long> waiting = new HashMap<>();
        for (TopicPartition partition : partitions) {
            long start = starts.get(partition).offset();
            long end = ends.get(partition).offset();
            OffsetAndMetadata commit = committed.get(partition);
            long from = commit != null ? Math.max(commit.offset(), start) : reset == OffsetReset.EARLIEST ? start : end;
            if (end > from) {
                messages += end - from;
                waiting.put(partition, from);
            }
        }
        Instant now = clock.instant();
        return new Measurement(messages, oldestTimestamp(waiting).map(t -> age(t, now)), now);
    }

    private Map<TopicPartition, ListOffsetsResultInfo> offsets(Set<TopicPartition> partitions, OffsetSpec spec)
            throws InterruptedException, ExecutionException, TimeoutException {
        return admin.listOffsets(partitions.stream().collect(Collectors.toMap(p -> p, p -> spec)))
                .all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static Duration age(Instant timestamp, Instant now) {
        Duration age = Duration.between(timestamp, now);
        return age.isNegative() ? Duration.ZERO : age; // a producer's clock ahead of ours
    }

    /**
     * The earliest time stamp of the first waiting message of each partition; {@code now} when nothing
     * waits, empty when some partition's could not be read in time.
     */
    private Optional<Instant> oldestTimestamp(Map<TopicPartition, Long> waiting) {
        if (waiting.isEmpty()) {
            return Optional.of(clock.instant());
        }
        Map<TopicPartition, Long> timestamps = new HashMap<>();
        reader.assign(waiting.keySet());
        try {
            waiting.forEach(reader::seek);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (timestamps.size() < waiting.size() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : reader.poll(Duration.ofMillis(200))) {
                    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                    if (timestamps.putIfAbsent(partition, record.timestamp()) == null) {
                        reader.pause(List.of(partition));
                    }
                }
            }
        } finally {
            reader.unsubscribe();
        }
        if (timestamps.size() < waiting.size() || timestamps.values().stream().anyMatch(t -> t < 0)) {
            return Optional.empty();
        }
        return timestamps.values().stream().min(Long::compare).map(Instant::ofEpochMilli);
    }

    @Override
    public void close() {
        reader.close(Duration.ofSeconds(1));
        admin.close(Duration.ofSeconds(1));
    }
}
