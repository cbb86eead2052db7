package dev.tessera.profile.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

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
    }

    @Test
    void namesKeepTheirInitial() {
        assertThat(PersonalData.initial("jane")).isEqualTo("J.");
        assertThat(PersonalData.initial("Ørsted")).isEqualTo("Ø.");
        assertThat(PersonalData.initial(" ")).isEqualTo("***");
    }
}
