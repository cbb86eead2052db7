package dev.tessera.ingestion.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tessera.core.testing.RedisTestSupport;
import dev.tessera.ingestion.format.Samples;
import dev.tessera.ingestion.operations.SourceActivity;
import dev.tessera.security.Roles;
import dev.tessera.security.testing.TestTokens;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The lag of a Kafka source as the brokers see it, with a real (embedded KRaft) broker: messages that
 * wait while the route is stopped show as message lag and as the age of the oldest of them in the
 * sources API and the gauges; once the route has stored them both are zero.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "tessera.sources[0].name=lagging",
        "tessera.sources[0].kind=shop",
        "tessera.sources[0].transport=kafka",
        "tessera.sources[0].format=shopify-order",
        "tessera.sources[0].kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
        "tessera.sources[0].kafka.topic=" + KafkaLagIT.TOPIC})
@ActiveProfiles("test")
@EmbeddedKafka(partitions = 2, topics = KafkaLagIT.TOPIC)
@DirtiesContext // the Camel context, its consumer and the lag monitor go with the broker
class KafkaLagIT {

    static final String TOPIC = "shop.orders.lag";
    static final Duration HOUR = Duration.ofHours(1);

    @Autowired
    EmbeddedKafkaBroker broker;

    @Autowired
    CamelContext camel;

    @Autowired
    SourceActivity activity;

    @Autowired
    MeterRegistry meters;

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void redisAndTokens(DynamicPropertyRegistry registry) {
        registry.add("tessera.redis.url", () -> RedisTestSupport.settings().url());
        registry.add("tessera.redis.cluster", () -> RedisTestSupport.settings().cluster());
        TestTokens.properties().forEach((key, value) -> registry.add(key, () -> value));
    }

    @Test
    void messagesWaitingWhileTheRouteIsStoppedAreItsLagUntilTheRouteStoresThem() throws Exception {
        RedisTestSupport.flush();
        byte[] order = JsonMapper.builder().build().writeValueAsBytes(
                Samples.json("shop/shopify_webhook_orders_create_2024-10.json").get("body"));
        await().atMost(Duration.ofSeconds(20)).until(() -> Long.valueOf(0).equals(lagMessages()));

        camel.getRouteController().stopRoute("source-lagging");
        // produced an hour ago (the producer's time stamp): the age is the definition's, not the test's speed
        long producedAt = Instant.now().minus(HOUR).toEpochMilli();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString()),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>(TOPIC, i % 2, producedAt + i, null, order)).get();
            }
        }

        await().atMost(Duration.ofSeconds(20)).until(() -> Long.valueOf(5).equals(lagMessages()));
        JsonNode waiting = status();
        assertThat(waiting.get("status").asString()).isEqualTo("stopped");
        assertThat(waiting.get("lagSeconds").asDouble()).isBetween(3600.0, 3600.0 + 600);
        assertThat(gauge("tessera.source.lag.messages")).isEqualTo(5.0);
        assertThat(gauge("tessera.source.lag")).isBetween(3600.0, 3600.0 + 600);

        camel.getRouteController().startRoute("source-lagging");
        await().atMost(Duration.ofSeconds(30)).until(() -> activity.snapshot("lagging").received() == 5
                && Long.valueOf(0).equals(lagMessages()));
        assertThat(status().get("lagSeconds").asDouble()).isZero();
        assertThat(gauge("tessera.source.lag.messages")).isZero();
    }

    private Long lagMessages() throws Exception {
        JsonNode lag = status().get("lagMessages");
        return lag == null || lag.isNull() ? null : lag.asLong();
    }

    private double gauge(String name) {
        return meters.get(name).tag("source", "lagging").gauge().value();
    }

    private JsonNode status() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/sources/lagging"))
                        .header("Authorization", TestTokens.bearer(Roles.INTEGRATOR)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JsonMapper.builder().build().readTree(response.body());
    }
}
