package dev.tessera.core.identity.match;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PhoneticTest {

    @Test
    void soundexMatchesTheClassicExamples() {
        assertThat(Phonetic.soundex("Robert")).isEqualTo("R163");
        assertThat(Phonetic.soundex("Rupert")).isEqualTo("R163");
        assertThat(Phonetic.soundex("Rubin")).isEqualTo("R150");
        assertThat(Phonetic.soundex("Ashcraft")).isEqualTo("A261");
        assertThat(Phonetic.soundex("Tymczak")).isEqualTo("T522");
        assertThat(Phonetic.soundex("Pfister")).isEqualTo("P236");
        assertThat(Phonetic.soundex("Honeyman")).isEqualTo("H555");
        assertThat(Phonetic.soundex("Lee")).isEqualTo("L000");
        assertThat(Phonetic.soundex("")).isEmpty();
    }

    @Test
    void keyJoinsSpellingVariants() {
        assertSame("Schmidt", "Smith", "Smyth", "Schmitt");
        assertSame("Müller", "Mueller", "Muller");
        assertSame("Meyer", "Maier", "Mayer", "Meier");
        assertSame("Catherine", "Katherine", "Kathryn");
        assertSame("Stephen", "Steven");
        assertSame("Philip", "Phillip", "Filip");
        assertSame("Schultz", "Schulz");
        assertSame("Knight", "Night");
        assertSame("Geoffrey", "Jeffrey");
        assertSame("McDonald", "MacDonald");
    }

    @Test
    void keyKeepsDifferentNamesApart() {
        assertThat(Phonetic.key("Smith")).isNotEqualTo(Phonetic.key("Jones"));
        assertThat(Phonetic.key("Robert")).isNotEqualTo(Phonetic.key("Richard"));
        assertThat(Phonetic.key("Anna")).isNotEqualTo(Phonetic.key("Hannah"));
    }

    @Test
    void keyIsShortAndEmptyForNoLetters() {
        assertThat(Phonetic.key("Wolfeschlegelsteinhausenbergerdorff")).hasSizeLessThanOrEqualTo(6);
        assertThat(Phonetic.key("123")).isEmpty();
        assertThat(Phonetic.key(null)).isEmpty();
    }

    private static void assertSame(String first, String... others) {
        for (String other : others) {
            assertThat(Phonetic.key(other)).as(first + " / " + other).isEqualTo(Phonetic.key(first));
        }
    }
}
