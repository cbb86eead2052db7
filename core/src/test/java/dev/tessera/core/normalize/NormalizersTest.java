package dev.tessera.core.normalize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.core.model.Identifier;
import dev.tessera.core.model.IdentifierType;
import org.junit.jupiter.api.Test;

class NormalizersTest {

    private final EmailNormalizer email = new EmailNormalizer();
    private final PhoneNormalizer ukPhone = new PhoneNormalizer("GB");

    @Test
    void emailIsTrimmedAndLowerCased() {
        assertThat(email.normalize("  Jane.Doe@Example.COM ")).contains("jane.doe@example.com");
        assertThat(email.normalize("mailto:Jane@example.org")).contains("jane@example.org");
        assertThat(email.normalize("<jane@example.org>")).contains("jane@example.org");
    }

    @Test
    void emailThatCannotBeAnAddressIsRejected() {
        assertThat(email.normalize("")).isEmpty();
        assertThat(email.normalize(null)).isEmpty();
        assertThat(email.normalize("jane")).isEmpty();
        assertThat(email.normalize("jane@localhost")).isEmpty();
        assertThat(email.normalize("ja ne@example.org")).isEmpty();
        assertThat(email.normalize("a@b@example.org")).isEmpty();
        assertThat(email.normalize("x".repeat(300) + "@example.org")).isEmpty();
    }

    @Test
    void phoneBecomesE164InTheDefaultRegion() {
        assertThat(ukPhone.normalize("020 7946 0958")).contains("+442079460958");
        assertThat(ukPhone.normalize("+44 (0)20 7946-0958")).contains("+442079460958");
        assertThat(ukPhone.normalize("0044 20 7946 0958")).contains("+442079460958");
    }

    @Test
    void phoneWithCountryPrefixIgnoresTheDefaultRegion() {
        assertThat(ukPhone.normalize("+1 415-256-8563")).contains("+14152568563");
        assertThat(new PhoneNormalizer("US").normalize("(415) 256-8563")).contains("+14152568563");
        assertThat(new PhoneNormalizer("DE").normalize("030 1234567")).contains("+49301234567");
    }

    @Test
    void phoneThatCannotBeANumberIsRejected() {
        assertThat(ukPhone.normalize("call me")).isEmpty();
        assertThat(ukPhone.normalize("12")).isEmpty();
        assertThat(ukPhone.normalize("")).isEmpty();
        assertThat(ukPhone.normalize("1".repeat(100))).isEmpty();
    }

    @Test
    void unknownDefaultRegionIsAConfigurationError() {
        assertThatThrownBy(() -> new PhoneNormalizer("XX")).hasMessageContaining("unknown phone region");
    }

    @Test
    void identifiersNeverShowTheirValueInText() {
        Identifier id = new Identifiers("GB").email("Jane@Example.com").orElseThrow();
        assertThat(id.type()).isEqualTo(IdentifierType.EMAIL);
        assertThat(id.toString()).doesNotContain("jane").doesNotContain("example");
    }

    @Test
    void aNationalNumberIsReadInTheRecordsOwnCountry() {
        Identifiers identifiers = new Identifiers("GB");

        assertThat(identifiers.phone("030 1234567", "DE")).map(Identifier::value).contains("+49301234567");
        assertThat(identifiers.phone("030 1234567", "Deutschland")).map(Identifier::value).contains("+49301234567");
        assertThat(identifiers.phone("(212) 555-0123", "United States")).map(Identifier::value).contains("+12125550123");
        assertThat(identifiers.phone("06 12 34 56 78", "fra")).map(Identifier::value).contains("+33612345678");
        // a prefix wins over the country; no country, or one without a numbering plan, reads the default
        assertThat(identifiers.phone("+44 7700 900123", "DE")).map(Identifier::value).contains("+447700900123");
        assertThat(identifiers.phone("07700 900123", null)).map(Identifier::value).contains("+447700900123");
        assertThat(identifiers.phone("07700 900123", "Atlantis")).map(Identifier::value).contains("+447700900123");
        assertThat(identifiers.phone("07700 900123", "AQ")).map(Identifier::value).contains("+447700900123");
        assertThat(identifiers.phone("030 1234567", "DE")).isEqualTo(new Identifiers("DE").phone("030 1234567"));
    }
}
