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
    void aPhoneKeepsItsExtensionSoColleaguesBehindOneSwitchboardAreNotOneNumber() {
        assertThat(ukPhone.normalize("020 7946 0000 ext. 12")).contains("+442079460000;ext=12");
        assertThat(ukPhone.normalize("+44 20 7946 0000 x34")).contains("+442079460000;ext=34");
        assertThat(ukPhone.normalize("+44 20 7946 0000 extension 7")).contains("+442079460000;ext=7");
        assertThat(new PhoneNormalizer("US").normalize("(212) 555-0100 #205")).contains("+12125550100;ext=205");
        assertThat(ukPhone.normalize("020 7946 0000")).contains("+442079460000");
        assertThat(ukPhone.normalize("tel:+44-20-7946-0000;ext=12")).contains("+442079460000;ext=12");
        assertThat(ukPhone.normalize("020 7946 0000 ext. 012")).contains("+442079460000;ext=12");
        assertThat(ukPhone.normalize("020 7946 0000 ext. 0")).contains("+442079460000");
        // digits after a comma or semicolon are a second number in the cell, not an extension
        assertThat(ukPhone.normalize("020 7946 0958, 4960002")).contains("+442079460958");
        assertThat(ukPhone.normalize("020 7946 0958; 4960002")).contains("+442079460958");
        assertThat(new PhoneNormalizer("US").normalize("(212) 555-0100, 5550101")).contains("+12125550100");
        assertThat(PhoneNormalizer.withoutExtension("+442079460000;ext=12")).isEqualTo("+442079460000");
        assertThat(PhoneNormalizer.withoutExtension("+442079460000")).isEqualTo("+442079460000");
    }

    @Test
    void phoneBecomesE164InTheDefaultRegion() {
        assertThat(ukPhone.normalize("020 7946 0958")).contains("+442079460958");
        assertThat(ukPhone.normalize("+44 (0)20 7946-0958")).contains("+442079460958");
        assertThat(ukPhone.normalize("0044 20 7946 0958")).contains("+442079460958");
    }

    @Test
    void theRegionsOwnInternationalPrefixIsReadBeforeZeroZeroAsPlus() {
        // Australia dials abroad with 0011: rewriting 00 to + made it +11…
        assertThat(new PhoneNormalizer("AU").normalize("0011 44 20 7946 0958")).contains("+442079460958");
        assertThat(new PhoneNormalizer("US").normalize("011 44 20 7946 0958")).contains("+442079460958");
        // 00 written in a region that dials 011 abroad: still read as +
        assertThat(new PhoneNormalizer("US").normalize("0044 20 7946 0958")).contains("+442079460958");
        assertThat(new PhoneNormalizer("DE").normalize("0049 30 1234567")).contains("+49301234567");
        // 00 in regions whose own prefix is another: still + (read as written they became possible national numbers)
        assertThat(new PhoneNormalizer("AU").normalize("0049 30 1234567")).contains("+49301234567");
        assertThat(new PhoneNormalizer("JP").normalize("0044 20 7946 0958")).contains("+442079460958");
        assertThat(new PhoneNormalizer("SG").normalize("0049 170 1234567")).contains("+491701234567");
        assertThat(new PhoneNormalizer("KR").normalize("0086 10 1234 5678")).contains("+861012345678");
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

    /** What fills a required field is no one's phone: as an identifier it would tie strangers together. */
    @Test
    void placeholderNumbersAreNotPhones() {
        assertThat(ukPhone.normalize("0000000000")).isEmpty();
        assertThat(ukPhone.normalize("000-000-0000")).isEmpty();
        assertThat(ukPhone.normalize("+44 0000 000000")).isEmpty();
        assertThat(new PhoneNormalizer("US").normalize("999-999-9999")).isEmpty();
        assertThat(new PhoneNormalizer("DE").normalize("0000 0000000")).isEmpty();
        assertThat(ukPhone.normalize("07700 900000")).as("zeros at the end are a number").contains("+447700900000");
        assertThat(new PhoneNormalizer("IT").normalize("06 666666")).as("Rome's 06 is part of the number")
                .contains("+3906666666");
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

    @Test
    void labelsAroundANumberAreLeftOut() {
        assertThat(ukPhone.normalize("+44 7700 900123 (mobile)")).contains("+447700900123");
        assertThat(ukPhone.normalize("Mobile: 07700 900123")).contains("+447700900123");
        assertThat(ukPhone.normalize("Tel.: 020 7946 0958")).contains("+442079460958");
        assertThat(ukPhone.normalize("tel:+442079460958")).contains("+442079460958");
        assertThat(ukPhone.normalize("(mobile)")).isEmpty();
    }

    @Test
    void aValueWithSeveralNumbersGivesEachOfThem() {
        assertThat(ukPhone.normalizeAll("020 7946 0958 / 07700 900123")).containsExactly("+442079460958", "+447700900123");
        assertThat(ukPhone.normalizeAll("07700 900123 or 020 7946 0958; 07700 900123"))
                .containsExactly("+447700900123", "+442079460958");
        // one number written with a slash stays one number
        assertThat(new PhoneNormalizer("DE").normalizeAll("030/1234567")).containsExactly("+49301234567");
        assertThat(ukPhone.normalizeAll("call me / later")).isEmpty();
        assertThat(ukPhone.normalizeAll(String.join(" / ", java.util.Collections.nCopies(6, "07700 900123"))))
                .containsExactly("+447700900123");
        assertThat(new Identifiers("GB").phones("030 1234567 / 0171 2345678", "DE")).extracting(Identifier::value)
                .containsExactly("+49301234567", "+491712345678");
        // German numbers written with a slash, two in one cell: never cut into fragments ("+490170")
        assertThat(new Identifiers("GB").phones("089/123456, 0170/1234567", "DE")).extracting(Identifier::value)
                .containsExactly("+4989123456", "+491701234567");
        assertThat(new Identifiers("GB").phones("030/1234567 / 0170/1234567", "DE")).extracting(Identifier::value)
                .containsExactly("+49301234567", "+491701234567");
    }

    @Test
    void emailsWithADisplayNameAFullStopOrSeveralInOneValue() {
        assertThat(email.normalize("Jane Doe <Jane.Doe@Example.com>")).contains("jane.doe@example.com");
        assertThat(email.normalize("jane@example.com.")).contains("jane@example.com");
        assertThat(email.normalize("<a@x.com> <b@y.com>")).isEmpty();
        assertThat(email.normalizeAll("jane@example.com; Jane.Doe@Work.example, jane@example.com"))
                .containsExactly("jane@example.com", "jane.doe@work.example");
        assertThat(email.normalizeAll("jane@example.com or not")).as("one @: one address or none").isEmpty();
        assertThat(email.normalizeAll("no address here")).isEmpty();
        // one "@" is one address at most: a space typed into it does not make up another one
        assertThat(email.normalizeAll("jane doe@example.com")).isEmpty();
        assertThat(new Identifiers("GB").emails("a@x.com | b@y.com")).extracting(Identifier::value)
                .containsExactly("a@x.com", "b@y.com");
    }
}
