package dev.tessera.core.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.core.profile.SurvivorshipRules;
import dev.tessera.core.profile.SurvivorshipRules.Rule;
import dev.tessera.core.store.RedisConnection;
import dev.tessera.core.testing.RedisTestSupport;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every app that resolves must use the same identity settings; a real Redis tells them apart at start-up. */
class IdentitySettingsSharedTest {

    private static IdentitySettings settings(Map<String, Rule> rules, Set<String> claimed) {
        return new IdentitySettings(null, null, 6.0, null, null,
                new SurvivorshipRules(Rule.MOST_RECENT, rules, List.of("crm")), claimed);
    }

    @Test
    void theFingerprintIgnoresTheOrderSettingsWereWrittenIn() {
        Map<String, Rule> ab = new LinkedHashMap<>();
        ab.put("city", Rule.SOURCE_PRIORITY);
        ab.put("street", Rule.MOST_COMPLETE);
        Map<String, Rule> ba = new LinkedHashMap<>();
        ba.put("street", Rule.MOST_COMPLETE);
        ba.put("city", Rule.SOURCE_PRIORITY);
        Set<String> claimed = new LinkedHashSet<>(List.of("web", "nps"));
        Set<String> reversed = new LinkedHashSet<>(List.of("nps", "web"));

        assertThat(settings(ab, claimed).fingerprint()).isEqualTo(settings(ba, reversed).fingerprint());
        assertThat(settings(ab, claimed).fingerprint()).isNotEqualTo(settings(ab, Set.of("web")).fingerprint());
        assertThat(IdentitySettings.defaults().fingerprint())
                .isNotEqualTo(IdentitySettings.defaults().withClaimedSources(Set.of("web")).fingerprint());
    }

    @Test
    void anAppStartingWithOtherSettingsThanAnotherIsToldWhich() {
        RedisTestSupport.flush();
        try (RedisConnection redis = RedisTestSupport.connect()) {
            IdentitySettings shared = IdentitySettings.defaults().withClaimedSources(Set.of("web"));
            assertThat(shared.checkShared(redis, "ingestion")).isEmpty();
            assertThat(shared.checkShared(redis, "profile-service")).isEmpty();

            // the profile service restarts without the claimed list
            assertThat(IdentitySettings.defaults().checkShared(redis, "profile-service")).hasValueSatisfying(warning ->
                    assertThat(warning).startsWith("tessera.identity of the profile-service app differs from the "
                            + "settings ingestion last started with"));
            // and the ingestion app, restarting with its own, hears of the profile service
            assertThat(shared.register(redis, "ingestion")).containsExactly("profile-service");
            // until the profile service restarts with the shared settings again
            assertThat(shared.register(redis, "profile-service")).isEmpty();
            assertThat(shared.register(redis, "ingestion")).isEmpty();
        }
    }
}
