package dev.tessera.ingestion.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tessera.core.cx.CxStore;
import dev.tessera.core.cx.TimelineQuery;
import dev.tessera.core.deadletter.DeadLetter;
import dev.tessera.core.deadletter.DeadLetterStore;
import dev.tessera.core.model.InteractionKind;
import dev.tessera.core.model.ProfileId;
import dev.tessera.core.normalize.Identifiers;
import dev.tessera.core.store.ProfileStore;
import dev.tessera.core.testing.RedisTestSupport;
import dev.tessera.ingestion.format.Samples;
import dev.tessera.ingestion.operations.SourceActivity;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import dev.tessera.core.store.RedisKeys;
import org.apache.camel.component.kafka.KafkaEndpoint;
import org.apache.camel.component.kafka.PollOnError;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.node.ObjectNode;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.kafka.test.utils.KafkaTestUtils;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Kafka source end to end with a real (embedded KRaft) broker and real Redis: Shopify orders published
 * to a topic become profiles and timelines, a re-delivered message changes nothing, a malformed one is a
 * dead letter the consumer moves past, and offsets are committed once messages are stored.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
        "tessera.sources[0].name=orders",
        "tessera.sources[0].kind=shop",
        "tessera.sources[0].transport=kafka",
        "tessera.sources[0].format=shopify-order",
        "tessera.sources[0].kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
        "tessera.sources[0].kafka.topic=" + KafkaSourceIT.TOPIC})
@EmbeddedKafka(partitions = 1, topics = KafkaSourceIT.TOPIC)
@DirtiesContext // the Camel context and its consumer go with the broker
class KafkaSourceIT {

    static final String TOPIC = "shop.orders";

    @Autowired
    EmbeddedKafkaBroker broker;

    @Autowired
    CxStore cx;

    @Autowired
    ProfileStore profiles;

    @Autowired
    Identifiers identifiers;

    @Autowired
    DeadLetterStore deadLetters;

    @Autowired
    SourceActivity activity;

    @Autowired
    org.apache.camel.CamelContext camel;

    private KafkaProducer<byte[], byte[]> producer;

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        registry.add("tessera.redis.url", () -> RedisTestSupport.settings().url());
        registry.add("tessera.redis.cluster", () -> RedisTestSupport.settings().cluster());
    }

    @BeforeEach
    void connect() {
        RedisTestSupport.flush();
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString()),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    @AfterEach
    void disconnect() {
        producer.close(Duration.ofSeconds(5));
    }

    @Test
    void anOrderOnTheTopicLandsOnTheCustomersTimelineOnceThoughItIsPublishedTwice() throws Exception {
        JsonNode order = Samples.shopifyOrder(); // a paid order (the sample as such is a test notification)
        byte[] body = JsonMapper.builder().build().writeValueAsBytes(order);
        long received = activity.snapshot("orders").received();

        publish(body);
        long last = publish(body);

        await().atMost(Duration.ofSeconds(20)).until(() -> activity.snapshot("orders").received() == received + 2);
        ProfileId customer = profileWithEmail(order.at("/customer/email").asString());
        assertThat(cx.timeline(customer, TimelineQuery.latest(10)).items()).singleElement().satisfies(i -> {
            assertThat(i.kind()).isEqualTo(InteractionKind.ORDER);
            assertThat(i.amount().currency()).isEqualTo(order.get("currency").asString());
        });
        awaitCommitted(last);
    }

    @Test
    void aMalformedMessageIsADeadLetterAndTheConsumerGoesOnWithTheNext() throws Exception {
        JsonNode order = Samples.shopifyOrder(); // a paid order (the sample as such is a test notification)

        long malformed = publish("{\"id\": 1, ".getBytes(StandardCharsets.UTF_8));
        long next = publish(JsonMapper.builder().build().writeValueAsBytes(order));

        await().atMost(Duration.ofSeconds(20)).until(() -> deadLetters.count("source-orders") == 1);
        DeadLetter letter = deadLetters.list("source-orders", 0, 1).get(0);
        assertThat(letter.origin()).isEqualTo(PayloadIntake.VERIFIED + ":kafka:" + TOPIC + "/0@" + malformed);
        assertThat(letter.reason()).startsWith("malformed");
        assertThat(letter.payload()).isEqualTo("{\"id\": 1, ");
        await().atMost(Duration.ofSeconds(20))
                .until(() -> !profiles.findByIdentifier(email(order.at("/customer/email").asString())).isEmpty());
        awaitCommitted(next);
    }

    @Test
    void aRedisErrorGivenEveryTimeIsADeadLetterNotAPartitionBlockedForEver() throws Exception {
        JsonNode order = Samples.shopifyOrder();
        // the customer's source key holds the wrong type of value: every attempt to store this order fails
        // with WRONGTYPE, which no retry cures (unlike a lost connection)
        String gid = order.at("/customer/admin_graphql_api_id").asString("");
        String customer = gid.isEmpty() ? order.at("/customer/id").asString() : gid.substring(gid.lastIndexOf('/') + 1);
        try (var redis = RedisTestSupport.connect()) {
            redis.commands().rpush(RedisKeys.Namespace.DEFAULT.source(
                    new dev.tessera.core.model.SourceRecordId("orders", customer)), "not a profile id");
        }
        ObjectNode other = (ObjectNode) order.deepCopy();
        ((ObjectNode) other.get("customer")).put("id", 990_001).put("email", "next.customer@example.com")
                .remove("admin_graphql_api_id");
        other.put("id", 990_002).put("email", "next.customer@example.com").remove("admin_graphql_api_id");

        long blocked = publish(JsonMapper.builder().build().writeValueAsBytes(order));
        long next = publish(JsonMapper.builder().build().writeValueAsBytes(other));

        await().atMost(Duration.ofSeconds(30))
                .until(() -> !profiles.findByIdentifier(email("next.customer@example.com")).isEmpty());
        DeadLetter letter = deadLetters.list("source-orders", 0, 1).get(0);
        assertThat(letter.origin()).isEqualTo(PayloadIntake.VERIFIED + ":kafka:" + TOPIC + "/0@" + blocked);
        assertThat(letter.reason()).startsWith("failed: ");
        awaitCommitted(next);
    }

    @Test
    void theConsumerStartsAgainFromCommittedOffsetsAfterAnErrorOutsideItsMessages() {
        KafkaEndpoint endpoint = (KafkaEndpoint) camel.getRoute("source-orders").getEndpoint();
        // a failed commit must not leave the consumer past a batch it did not store
        assertThat(endpoint.getConfiguration().getPollOnError()).isEqualTo(PollOnError.RECONNECT);
        assertThat(endpoint.getConfiguration().getIsolationLevel()).isEqualTo("read_committed");
        assertThat(endpoint.getConfiguration().getMaxPollRecords()).isEqualTo(KafkaSourceRoutes.MAX_POLL_RECORDS);
    }

    private long publish(byte[] body) throws Exception {
        RecordMetadata sent = producer.send(new ProducerRecord<>(TOPIC, body)).get();
        return sent.offset();
    }

    /** The group's committed offset has passed {@code offset}: nothing up to it would be read again. */
    private void awaitCommitted(long offset) {
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            OffsetAndMetadata committed = KafkaTestUtils.getCurrentOffset(broker.getBrokersAsString(), "tessera-orders",
                    TOPIC, 0);
            return committed != null && committed.offset() == offset + 1;
        });
    }

    private ProfileId profileWithEmail(String email) {
        Set<ProfileId> found = profiles.findByIdentifier(email(email));
        assertThat(found).hasSize(1);
        return found.iterator().next();
    }

    private dev.tessera.core.model.Identifier email(String email) {
        return identifiers.email(email).orElseThrow();
    }
}
