package dev.tessera.ingestion.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.ingestion.system.IngestionProperties.OffsetReset;
import java.net.ServerSocket;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Lag measurement when no broker answers: it fails (the monitor then reports unknown) instead of hanging. */
class KafkaLagTest {

    @Test
    void noBrokerListeningMeansNoMeasurement() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort(); // closed again: nothing listens there
        }
        try (KafkaLag lag = new KafkaLag(Map.of("bootstrap.servers", "127.0.0.1:" + port), "tessera-test-lag",
                "orders", "tessera-orders", OffsetReset.EARLIEST, Clock.systemUTC())) {
            // either our wait or the admin client's own request timeout ends it first (a wrapped Kafka
            // TimeoutException): what matters is that it ends, with a failure, instead of hanging
            assertThatThrownBy(lag::measure).satisfiesAnyOf(
                    e -> assertThat(e).isInstanceOf(java.util.concurrent.TimeoutException.class),
                    e -> assertThat(e).isInstanceOf(java.util.concurrent.ExecutionException.class)
                            .hasCauseInstanceOf(org.apache.kafka.common.errors.TimeoutException.class));
        }
    }
}
