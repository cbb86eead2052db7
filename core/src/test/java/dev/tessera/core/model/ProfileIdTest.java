package dev.tessera.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ProfileIdTest {

    @Test
    void acceptsUrlSafeIdsUpTo64Characters() {
        assertThat(ProfileId.isValid("a")).isTrue();
        assertThat(ProfileId.isValid("0c6f1f6e-9d1b-4b8e-8f0a-2f1c3d4e5f6a")).isTrue();
        assertThat(ProfileId.isValid("Z_9-z")).isTrue();
        assertThat(ProfileId.isValid("x".repeat(64))).isTrue();
        assertThat(ProfileId.random().value()).hasSize(36);
    }

    @Test
    void refusesEmptyLongAndUnsafeIds() {
        assertThat(ProfileId.isValid(null)).isFalse();
        assertThat(ProfileId.isValid("")).isFalse();
        assertThat(ProfileId.isValid("x".repeat(65))).isFalse();
        for (String unsafe : new String[] {"a b", "a/b", "a:b", "a{b", "ä", "a\nb", "../x", "a*"}) {
            assertThat(ProfileId.isValid(unsafe)).as(unsafe).isFalse();
        }
        assertThatThrownBy(() -> new ProfileId("a}b")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("profile id");
        assertThatThrownBy(() -> new ProfileId(null)).isInstanceOf(NullPointerException.class);
    }
}
