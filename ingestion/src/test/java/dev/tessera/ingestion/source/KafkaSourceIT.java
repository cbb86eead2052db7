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
import org.springframework.beans.factory.annotation.Autowired;
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
