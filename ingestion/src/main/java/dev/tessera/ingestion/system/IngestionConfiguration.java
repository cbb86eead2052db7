package dev.tessera.ingestion.system;

import dev.tessera.core.cx.CxIdentityHooks;
import dev.tessera.core.cx.CxStore;
import dev.tessera.core.deadletter.DeadLetterStore;
import dev.tessera.core.identity.IdentityResolver;
import dev.tessera.core.normalize.Identifiers;
import dev.tessera.core.privacy.Tombstones;
import dev.tessera.core.store.ProfileStore;
import dev.tessera.core.store.RedisConnection;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class IngestionConfiguration {

    private static final Logger log = LoggerFactory.getLogger(IngestionConfiguration.class);

    @Bean(destroyMethod = "close")
    RedisConnection redisConnection(IngestionProperties properties) {
        log.info("Connecting to Redis at {}", properties.redis().settings().redactedUrl());
        return RedisConnection.open(properties.redis().settings());
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    IdentityResolver identityResolver(ProfileStore store, IngestionProperties properties, Clock clock,
            Tombstones tombstones, RedisConnection connection) {
        properties.identity().checkShared(connection, "ingestion").ifPresent(log::warn);
        return properties.identity().resolver(store, clock, tombstones);
    }

    /** Erasure tombstones: records and interactions of erased people are refused (docs/privacy.md). */
    @Bean
    Tombstones tombstones(RedisConnection connection, IngestionProperties properties) {
        return Tombstones.of(connection, properties.privacy(), System::getenv);
    }

    @Bean
    ProfileStore profileStore(RedisConnection connection) {
        return new ProfileStore(connection);
    }

    @Bean
    CxStore cxStore(ProfileStore store, IngestionProperties properties, Clock clock, Tombstones tombstones) {
        return new CxStore(store, properties.cx(), clock, tombstones);
    }

    @Bean
    CxIdentityHooks cxIdentityHooks(CxStore cx, IngestionProperties properties) {
        // records of claimed sources withdraw consent but grant none (docs/privacy.md)
        return new CxIdentityHooks(cx, properties.identity().claimedSources());
    }

    @Bean
    DeadLetterStore deadLetterStore(RedisConnection connection, Clock clock) {
        return new DeadLetterStore(connection, clock);
    }

    @Bean
    Identifiers identifiers(IngestionProperties properties) {
        return new Identifiers(properties.phoneDefaultRegion());
    }

    @Bean
    HealthIndicator redisHealthIndicator(RedisConnection connection) {
        return () -> connection.ping() ? Health.up().build() : Health.down().withDetail("redis", "no PONG").build();
    }
}
