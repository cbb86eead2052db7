package dev.tessera.profile.system;

import dev.tessera.core.audit.AuditLog;
import dev.tessera.core.cx.CxAggregates;
import dev.tessera.core.cx.CxIdentityHooks;
import dev.tessera.core.cx.CxStore;
import dev.tessera.core.identity.ProfileExplainer;
import dev.tessera.core.identity.ProfileResolver;
import dev.tessera.core.normalize.Identifiers;
import dev.tessera.core.privacy.Tombstones;
import java.time.Clock;
import dev.tessera.core.store.ProfileStore;
import dev.tessera.core.store.RedisConnection;
import dev.tessera.profile.limit.RateLimiter;
import dev.tessera.profile.search.NameIndex;
import dev.tessera.profile.search.NameIndexFeed;
import dev.tessera.profile.segment.SegmentFeed;
import dev.tessera.profile.segment.SegmentService;
import dev.tessera.core.segment.SegmentEngine;
import dev.tessera.core.segment.SegmentStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class StorageConfiguration {

    private static final Logger log = LoggerFactory.getLogger(StorageConfiguration.class);

    @Bean(destroyMethod = "close")
    RedisConnection redisConnection(ProfileServiceProperties properties) {
        log.info("Connecting to Redis at {}", properties.redis().settings().redactedUrl());
        return RedisConnection.open(properties.redis().settings());
    }

    @Bean
    ProfileStore profileStore(RedisConnection connection) {
        return new ProfileStore(connection);
    }

    @Bean
    ProfileResolver profileResolver(ProfileStore store, ProfileServiceProperties properties, Tombstones tombstones,
            RedisConnection connection) {
        properties.identity().checkShared(connection, "profile-service").ifPresent(log::warn);
        return properties.identity().resolver(store, Clock.systemUTC(), tombstones);
    }

    @Bean
    CxStore cxStore(ProfileStore store, ProfileServiceProperties properties, Tombstones tombstones) {
        return new CxStore(store, properties.cx(), Clock.systemUTC(), tombstones);
    }

    @Bean
    CxAggregates cxAggregates(CxStore cx) {
        return new CxAggregates(cx);
    }

    @Bean
    CxIdentityHooks cxIdentityHooks(CxStore cx, ProfileServiceProperties properties) {
        // records of claimed sources withdraw consent but grant none (docs/privacy.md)
        return new CxIdentityHooks(cx, properties.identity().claimedSources());
    }

    @Bean
    ProfileExplainer profileExplainer(ProfileStore store) {
        return new ProfileExplainer(store);
    }

    @Bean
    Identifiers identifiers(ProfileServiceProperties properties) {
        return new Identifiers(properties.phoneDefaultRegion());
    }

    @Bean
    AuditLog auditLog(RedisConnection connection) {
        return new AuditLog(connection);
    }

    @Bean
    RateLimiter rateLimiter(RedisConnection connection) {
        return new RateLimiter(connection);
    }

    @Bean
    NameIndex nameIndex(RedisConnection connection) {
        return new NameIndex(connection);
    }

    /** Keeps the name index current from the change feed, on a connection of its own (it blocks). */
    @Bean
    NameIndexFeed nameIndexFeed(ProfileStore store, NameIndex index, ProfileServiceProperties properties) {
        return new NameIndexFeed(RedisConnection.open(properties.redis().settings()), store, index);
    }

    @Bean
    SegmentEngine segmentEngine(ProfileStore store, CxStore cx, RedisConnection connection) {
        return new SegmentEngine(store, cx, new SegmentStore(connection, store.namespace()), Clock.systemUTC());
    }

    @Bean(destroyMethod = "close")
    SegmentService segmentService(SegmentEngine engine, CxAggregates aggregates, RedisConnection connection,
            ProfileServiceProperties properties) {
        return new SegmentService(engine, aggregates, connection, properties.segments().max(),
                properties.segments().refreshEvery(), Clock.systemUTC());
    }

    /** Keeps segment memberships current from the change feed, on a connection of its own (it blocks). */
    @Bean
    SegmentFeed segmentFeed(SegmentEngine engine, SegmentService service, ProfileServiceProperties properties) {
        return new SegmentFeed(RedisConnection.open(properties.redis().settings()), engine, service);
    }

    /** Finishes a merge's timeline move that its process left undone, from the change feed (its own connection). */
    @Bean
    dev.tessera.profile.cx.MergeFollowFeed mergeFollowFeed(ProfileStore store, CxStore cx,
            ProfileServiceProperties properties) {
        return new dev.tessera.profile.cx.MergeFollowFeed(RedisConnection.open(properties.redis().settings()), store, cx,
                dev.tessera.profile.cx.MergeFollowFeed.DEFAULT_GRACE);
    }

    @Bean
    HealthIndicator redisHealthIndicator(RedisConnection connection) {
        return () -> connection.ping() ? Health.up().build() : Health.down().withDetail("redis", "no PONG").build();
    }
}
