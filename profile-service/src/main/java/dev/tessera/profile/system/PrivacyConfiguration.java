package dev.tessera.profile.system;

import dev.tessera.core.audit.AuditLog;
import dev.tessera.core.cx.CxStore;
import dev.tessera.core.deadletter.DeadLetterStore;
import dev.tessera.core.identity.ProfileExplainer;
import dev.tessera.core.identity.ProfileResolver;
import dev.tessera.core.privacy.Erasure;
import dev.tessera.core.privacy.SubjectAccess;
import dev.tessera.core.privacy.Tombstones;
import dev.tessera.core.store.ProfileStore;
import dev.tessera.core.store.RedisConnection;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Consent, subject access and erasure (docs/privacy.md). */
@Configuration(proxyBeanMethods = false)
class PrivacyConfiguration {

    /** Erasure tombstones; the ingestion app must use the same {@code tessera.privacy} settings. */
    @Bean
    Tombstones tombstones(RedisConnection connection, ProfileServiceProperties properties) {
        return Tombstones.of(connection, properties.privacy().settings(), System::getenv);
    }

    /** Erasure, also of the person's dead letters (the ingestion app keeps them in the same Redis). */
    @Bean
    Erasure erasure(ProfileStore store, CxStore cx, Tombstones tombstones, ProfileResolver resolver, AuditLog audit,
            RedisConnection connection) {
        return new Erasure(store, cx, tombstones, resolver.policy(), audit, Clock.systemUTC(),
                new DeadLetterStore(connection, Clock.systemUTC()));
    }

    @Bean
    SubjectAccess subjectAccess(ProfileStore store, CxStore cx, ProfileExplainer explainer, AuditLog audit) {
        return new SubjectAccess(store, cx, explainer, audit, Clock.systemUTC());
    }
}
