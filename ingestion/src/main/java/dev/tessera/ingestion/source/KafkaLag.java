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
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * How far a Kafka source's consumer group is behind its topic, asked of the brokers: per partition the
 * first message that a {@code read_committed} consumer (as the route's) reads from the group's committed
 * offset on (the log start when retention removed messages before it; without a commit, where the group
 * would start: log start for {@code earliest}, log end for {@code latest}), its offsets up to the last stable
 * offset, and its time stamp. The lag is the sum of those offsets and the age of the oldest such first
 * message (zero when nothing waits).
 *
 * <p>Transactions: a partition whose offsets up to the last stable offset hold nothing such a consumer
 * reads (the marker that ends a committed transaction, which the route's commit stops in front of, or an
 * aborted transaction) has no lag. A transaction still open stops the last stable offset at its first
 * message: it and everything written after it cannot be read yet. Those offsets (up to the log end) are
 * counted as messages, but give no age until the transaction ends; a stuck transaction shows as messages
 * that do not go down. After the first message that waits, markers and aborted records are counted as
 * offsets (one marker per transaction). When a partition's first message cannot be read in time, its offsets from the
 * committed one are counted and the age is unknown.
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
        // as the route reads: an aborted transaction's records are not waiting for it
        consumer.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // retention deleting past the offset looked for moves the reader to the first message left, never to
        // the end (which would read as nothing waiting)
        consumer.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
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
        // the last stable offset: what a read_committed consumer can read up to now
        Map<TopicPartition, ListOffsetsResultInfo> ends = offsets(partitions, OffsetSpec.latest(),
                IsolationLevel.READ_COMMITTED);
        // the log end: beyond the last stable offset wait an open transaction and whatever came after its start
        Map<TopicPartition, ListOffsetsResultInfo> logEnds = offsets(partitions, OffsetSpec.latest(),
                IsolationLevel.READ_UNCOMMITTED);
        Map<TopicPartition, ListOffsetsResultInfo> starts = offsets(partitions, OffsetSpec.earliest(),
                IsolationLevel.READ_COMMITTED);
        long blocked = 0;
        Map<TopicPartition, Range> waiting = new HashMap<>();
        for (TopicPartition partition : partitions) {
            long start = starts.get(partition).offset();
            long end = ends.get(partition).offset();
            OffsetAndMetadata commit = committed.get(partition);
            long from = commit != null ? Math.max(commit.offset(), start) : reset == OffsetReset.EARLIEST ? start : end;
            blocked += Math.max(0, logEnds.get(partition).offset() - Math.max(end, from));
            if (end > from) {
                waiting.put(partition, new Range(from, end));
            }
        }
        Firsts firsts = firsts(waiting);
        long messages = blocked;
        for (Map.Entry<TopicPartition, Range> e : waiting.entrySet()) {
            First first = firsts.found().get(e.getKey());
            if (first != null) {
                messages += e.getValue().end() - first.offset(); // from the first message the route will read
            } else if (!firsts.drained().contains(e.getKey())) {
                messages += e.getValue().end() - e.getValue().from(); // not read in time: the offsets
            }
        }
        Instant now = clock.instant();
        Optional<Duration> oldest = !firsts.complete() ? Optional.empty()
                : Optional.of(firsts.found().values().stream().map(First::timestamp).min(Long::compare)
                        .map(t -> age(Instant.ofEpochMilli(t), now)).orElse(Duration.ZERO));
        return new Measurement(messages, oldest, now);
    }

    /** A partition's waiting offsets: from the committed (or starting) offset up to, not including, the end. */
    private record Range(long from, long end) {}

    /**
     * Per waiting partition, the time stamp of the first message a read_committed consumer reads there, or
     * that it reads none before the end ({@code drained}: only transaction markers or aborted records are
     * left); {@code complete} when every partition came to one or the other in time.
     */
    private record Firsts(Map<TopicPartition, First> found, Set<TopicPartition> drained, boolean complete) {}

    /** The first message a read_committed consumer reads in a partition: its offset and time stamp. */
    private record First(long offset, long timestamp) {}

    private Map<TopicPartition, ListOffsetsResultInfo> offsets(Set<TopicPartition> partitions, OffsetSpec spec,
            IsolationLevel isolation) throws InterruptedException, ExecutionException, TimeoutException {
        return admin.listOffsets(partitions.stream().collect(Collectors.toMap(p -> p, p -> spec)),
                new ListOffsetsOptions(isolation)).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static Duration age(Instant timestamp, Instant now) {
        Duration age = Duration.between(timestamp, now);
        return age.isNegative() ? Duration.ZERO : age; // a producer's clock ahead of ours
    }

    /** Reads from each waiting partition until its first message, or until it passed the end with none. */
    private Firsts firsts(Map<TopicPartition, Range> waiting) {
        Map<TopicPartition, First> found = new HashMap<>();
        Set<TopicPartition> drained = new java.util.HashSet<>();
        if (waiting.isEmpty()) {
            return new Firsts(found, drained, true);
        }
        reader.assign(waiting.keySet());
        try {
            waiting.forEach((partition, range) -> reader.seek(partition, range.from()));
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (found.size() + drained.size() < waiting.size() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : reader.poll(Duration.ofMillis(200))) {
                    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                    if (record.offset() < waiting.get(partition).end() && !drained.contains(partition)
                            && found.putIfAbsent(partition, new First(record.offset(), record.timestamp())) == null) {
                        reader.pause(List.of(partition));
                    }
                }
                // a consumer moves past markers and aborted records without returning anything: a partition
                // whose position reached the end with no message read has nothing waiting
                for (TopicPartition partition : waiting.keySet()) {
                    if (found.containsKey(partition) || drained.contains(partition)) {
                        continue;
                    }
                    long position;
                    try {
                        // known at once after the seek; it waits only while the consumer resets or validates
                        // it, and never past the measurement's deadline
                        position = reader.position(partition,
                                Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
                    } catch (org.apache.kafka.common.errors.TimeoutException e) {
                        continue; // undecided: its offsets count, the age is unknown
                    }
                    if (position >= waiting.get(partition).end()) {
                        drained.add(partition);
                        reader.pause(List.of(partition));
                    }
                }
            }
        } finally {
            reader.unsubscribe();
        }
        boolean complete = found.size() + drained.size() == waiting.size()
                && found.values().stream().allMatch(f -> f.timestamp() >= 0);
        return new Firsts(found, drained, complete);
    }

    @Override
    public void close() {
        reader.close(Duration.ofSeconds(1));
        admin.close(Duration.ofSeconds(1));
    }
}
