package dev.tessera.core.privacy;

import dev.tessera.core.audit.AuditLog;
import dev.tessera.core.cx.CxIdentityHooks;
import dev.tessera.core.cx.CxSettings;
import dev.tessera.core.cx.CxStore;
import dev.tessera.core.deadletter.DeadLetterStore;
import dev.tessera.core.identity.IdentitySettings;
import dev.tessera.core.identity.ProfileExplainer;
import dev.tessera.core.identity.ProfileResolver;
import dev.tessera.core.identity.Resolution;
import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.Identifier;
import dev.tessera.core.model.IdentifierType;
import dev.tessera.core.model.Interaction;
import dev.tessera.core.model.InteractionKind;
import dev.tessera.core.model.SourceRecordId;
import dev.tessera.core.store.ProfileStore;
import dev.tessera.core.store.RedisConnection;
import dev.tessera.core.store.RedisKeys;
import dev.tessera.core.testing.RedisTestCluster;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The production wiring of the privacy parts on a real Redis, one access path at a time. */
final class PrivacyFixtures {

    static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    final RedisConnection redis;
    final ProfileStore profiles;
    final Tombstones tombstones;
    final ProfileResolver resolver;
    final CxStore cx;
    final CxIdentityHooks hooks;
    final AuditLog audit;
    final DeadLetterStore deadLetters;
    final Erasure erasure;
    final SubjectAccess access;

    PrivacyFixtures(RedisConnection redis, ProfileStore.Access path, boolean refuseIdentifiers) {
        RedisTestCluster.assumeAvailable(path);
        this.redis = redis;
        Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
        profiles = new ProfileStore(redis, RedisKeys.Namespace.DEFAULT, path);
        tombstones = Tombstones.withKey(redis, "test-key-of-32-characters-long!!".getBytes(StandardCharsets.UTF_8),
                refuseIdentifiers);
        resolver = IdentitySettings.defaults().resolver(profiles, clock, tombstones);
        cx = new CxStore(profiles, CxSettings.defaults(), clock, tombstones);
        hooks = new CxIdentityHooks(cx);
        audit = new AuditLog(redis);
        deadLetters = new DeadLetterStore(redis, clock);
        erasure = new Erasure(profiles, cx, tombstones, resolver.policy(), audit, clock, deadLetters);
        access = new SubjectAccess(profiles, cx, new ProfileExplainer(profiles), audit, clock);
    }

    Resolution ingest(CustomerRecord record) {
        Resolution resolution = resolver.resolve(record);
        hooks.afterResolve(record, resolution);
        return resolution;
    }

    static CustomerRecord person(String source, String id, String email, String phone, String first, String last,
            Map<String, String> more) {
        Map<String, String> attributes = new LinkedHashMap<>(more);
        attributes.put("first_name", first);
        attributes.put("last_name", last);
        attributes.put("email", email);
        attributes.put("phone", phone);
        return new CustomerRecord(new SourceRecordId(source, id), T0.minusSeconds(3600),
                List.of(new Identifier(IdentifierType.EMAIL, email), new Identifier(IdentifierType.PHONE, phone)),
                attributes);
    }

    static Interaction order(SourceRecordId who, String id, Instant at) {
        return new Interaction(id, who, InteractionKind.ORDER, "web", "checkout", at,
                new Interaction.Money(new BigDecimal("42.00"), "EUR"), null, Map.of("order", id));
    }

    static Interaction consentChange(SourceRecordId who, String id, Instant at, String purpose, String channel,
            String status) {
        return new Interaction(id, who, InteractionKind.CONSENT_CHANGE, channel, "preferences", at, null, null,
                Map.of("purpose", purpose, "channel", channel, "status", status));
    }
}
