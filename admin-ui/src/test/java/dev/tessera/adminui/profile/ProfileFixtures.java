package dev.tessera.adminui.profile;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Profiles as the profile service returns them, for tests that do not run it. */
final class ProfileFixtures {

    static final String JANE_ID = "0f8c7a52-3c3e-4c55-9a57-1b1f0f3e9d11";
    static final Instant OBSERVED = Instant.parse("2025-01-01T00:00:00Z");

    private ProfileFixtures() {}

    static Profile jane() {
        return withFirstName("Jane");
    }

    static Profile withFirstName(String firstName) {
        return new Profile(JANE_ID,
                Map.of("first_name", new Profile.Attribute(firstName, "crm", "crm:123", OBSERVED, false),
                        "last_name", new Profile.Attribute("Doe", "shop", "shop:9", OBSERVED.plusSeconds(60), true)),
                List.of(new Profile.Identifier("email", "jane@example.com", false),
                        new Profile.Identifier("phone", "+442079460958", true)),
                List.of(new Profile.SourceRecord("crm", "123", false), new Profile.SourceRecord("shop", "9", true)),
                OBSERVED, OBSERVED.plusSeconds(60),
                List.of(new Profile.SegmentRef("seg-germany", "Germany", OBSERVED.plusSeconds(120))), false);
    }
}
