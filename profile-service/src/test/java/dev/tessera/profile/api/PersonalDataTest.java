package dev.tessera.profile.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.security.Roles;
import org.junit.jupiter.api.Test;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/** How personal data is masked for marketers: enough to recognise a record, not to contact anyone. */
class PersonalDataTest {

    @Test
    void emailsKeepTheirFirstLettersAndTopLevelDomain() {
        assertThat(PersonalData.email("jane.doe@example.com")).isEqualTo("j***@e***.com");
        assertThat(PersonalData.email(" Max@Mail.Example.DE ")).isEqualTo("M***@M***.de");
        assertThat(PersonalData.email("not-an-email")).isEqualTo("***");
        assertThat(PersonalData.email("a@b")).isEqualTo("***");
    }

    @Test
    void phonesKeepTheirLastTwoDigits() {
        assertThat(PersonalData.phone("+442079460958")).isEqualTo("***58");
        assertThat(PersonalData.phone("020 7946 0958")).isEqualTo("***58");
        assertThat(PersonalData.phone("12")).isEqualTo("***");
        assertThat(PersonalData.phone("+442079460958;ext=12")).as("the number's digits, not the extension's")
                .isEqualTo("***58");
    }

    @Test
    void sourceRecordIdsArePseudonymsForMarketersUnlessConfiguredVisible() {
        Authentication marketer = caller(Roles.MARKETER);
        PersonalData masked = new PersonalData(java.util.List.of("city"));

        String jane = masked.recordKey("crm:jane@example.com", marketer);
        assertThat(jane).startsWith("crm:~").doesNotContain("jane").hasSize("crm:~".length() + 16);
        assertThat(masked.recordKey("crm:jane@example.com", marketer)).as("the same within a process").isEqualTo(jane);
        assertThat(masked.recordKey("crm:john@example.com", marketer)).isNotEqualTo(jane);
        assertThat(new PersonalData(java.util.List.of("city")).recordKey("crm:jane@example.com", marketer))
                .as("another process's key: a pseudonym cannot be checked against a guess").isNotEqualTo(jane);
        assertThat(masked.recordKey("crm:jane@example.com", caller(Roles.AGENT))).isEqualTo("crm:jane@example.com");
        assertThat(new PersonalData(java.util.List.of(PersonalData.SOURCE_ID)).recordKey("crm:jane@example.com", marketer))
                .isEqualTo("crm:jane@example.com");
        assertThat(masked.shows(PersonalData.SOURCE_ID, marketer)).isFalse();
    }

    private static Authentication caller(String role) {
        return UsernamePasswordAuthenticationToken.authenticated("someone", null,
                java.util.List.of(new SimpleGrantedAuthority("ROLE_" + role)));
    }

    @Test
    void namesKeepTheirInitial() {
        assertThat(PersonalData.initial("jane")).isEqualTo("J.");
        assertThat(PersonalData.initial("Ørsted")).isEqualTo("Ø.");
        assertThat(PersonalData.initial(" ")).isEqualTo("***");
    }
}
