package dev.tessera.ingestion.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tessera.core.deadletter.DeadLetterStore;
import dev.tessera.core.store.RedisConnection;
import dev.tessera.core.testing.RedisTestSupport;
import io.lettuce.core.RedisConnectionException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What happens to a file when its import fails, with the folder routes' error handling on a real Camel
 * file endpoint (short back-off) and a real Redis for the dead letters: a store outage is waited out
 * however long it lasts, a defect moves the file aside with a dead letter naming the exception's type.
 */
class FolderErrorHandlingTest {

    @TempDir
    Path inbox;

    private RedisConnection redis;
    private DeadLetterStore deadLetters;
    private DefaultCamelContext camel;

    @BeforeEach
    void setUp() {
        RedisTestSupport.flush();
        redis = RedisTestSupport.connect();
        deadLetters = new DeadLetterStore(redis, Clock.systemUTC());
        camel = new DefaultCamelContext();
    }

    @AfterEach
    void tearDown() {
        camel.stop();
        redis.close();
    }

    private void start(AtomicInteger attempts, RuntimeException failure, int failures) throws Exception {
        camel.addRoutes(new SourceErrorHandling(deadLetters, 5));
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("file:" + inbox + "?move=.done/${file:name}&moveFailed=.failed/${file:name}&delay=50")
                        .routeId("source-test")
                        .routeConfigurationId(SourceErrorHandling.FOLDER_ID)
                        .process(exchange -> {
                            if (attempts.incrementAndGet() <= failures) {
                                throw failure;
                            }
                        });
            }
        });
        camel.start();
    }

    @Test
    void aStoreOutageLongerThanFiveAttemptsLeavesTheFileInTheInboxUntilItIsImported() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        // as lettuce throws when Redis restarts with a command in flight: a RedisException around an IOException
        start(attempts, new io.lettuce.core.RedisException(new java.io.IOException("Connection reset by peer")), 8);
        Files.writeString(inbox.resolve("contacts.csv"), "id,email\n1,a@example.com\n");

        await().atMost(Duration.ofSeconds(30)).until(() -> files(inbox.resolve(".done")) == 1);
        assertThat(attempts.get()).isEqualTo(9); // eight failed attempts (five used to be the end), then imported
        assertThat(files(inbox.resolve(".failed"))).isZero();
        assertThat(deadLetters.count("source-test")).isZero();
    }

    @Test
    void aDefectMovesTheFileAsideWithADeadLetterThatNamesOnlyTheExceptionType() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        start(attempts, new IllegalStateException("row of jane@example.com could not be resolved"), 1);
        Files.writeString(inbox.resolve("contacts-0101.csv"), "id,email\n1,jane@example.com\n");
        Files.writeString(inbox.resolve("contacts-0102.csv"), "id,email\n2,jane@example.com\n");

        await().atMost(Duration.ofSeconds(30)).until(() -> files(inbox.resolve(".failed")) == 1
                && files(inbox.resolve(".done")) == 1);
        assertThat(deadLetters.list("source-test", 0, 10)).singleElement().satisfies(d -> {
            assertThat(d.reason()).isEqualTo("file not imported: IllegalStateException (rows before it are stored; "
                    + "move the file back into the inbox to import the rest)");
            assertThat(d.payload()).contains("contacts-01").doesNotContain("jane");
        });
    }

    @Test
    void anErrorRedisGivesEveryTimeIsADefectNotAnOutageToWaitOut() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        start(attempts, new io.lettuce.core.RedisCommandExecutionException(
                "WRONGTYPE Operation against a key holding the wrong kind of value"), 1000);
        Files.writeString(inbox.resolve("contacts.csv"), "id,email\n1,a@example.com\n");

        await().atMost(Duration.ofSeconds(30)).until(() -> files(inbox.resolve(".failed")) == 1);
        assertThat(attempts.get()).isEqualTo(1);
        assertThat(deadLetters.list("source-test", 0, 10)).singleElement()
                .satisfies(d -> assertThat(d.reason()).startsWith("file not imported: RedisCommandExecutionException"));
        // what passes is waited out
        assertThat(SourceErrorHandling.isOutage(new io.lettuce.core.RedisCommandExecutionException(
                "LOADING Redis is loading the dataset in memory"))).isTrue();
        assertThat(SourceErrorHandling.isOutage(new io.lettuce.core.RedisException("Connection closed"))).isTrue();
        assertThat(SourceErrorHandling.isOutage(new io.lettuce.core.RedisException(new java.io.IOException("reset")))).isTrue();
        assertThat(SourceErrorHandling.isOutage(new java.io.IOException("disk"))).as("not the store").isFalse();
        assertThat(SourceErrorHandling.isOutage(new IllegalStateException("x"))).isFalse();
        assertThat(SourceErrorHandling.isOutage(new io.lettuce.core.RedisCommandTimeoutException("Command timed out"))).isTrue();
        assertThat(SourceErrorHandling.isOutage(new io.lettuce.core.RedisCommandExecutionException("OOM command not allowed")))
                .isFalse();
    }

    private static long files(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> listed = Files.list(dir)) {
            return listed.count();
        }
    }
}
