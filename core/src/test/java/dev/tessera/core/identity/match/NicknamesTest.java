package dev.tessera.core.identity.match;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import org.junit.jupiter.api.Test;

class NicknamesTest {

    private final Nicknames nicknames = Nicknames.builtIn();

    @Test
    void knowsCommonEnglishShortForms() {
        assertThat(nicknames.equivalent("rob", "robert")).isTrue();
        assertThat(nicknames.equivalent("bob", "robert")).isTrue();
        assertThat(nicknames.equivalent("bob", "rob")).isTrue();
        assertThat(nicknames.equivalent("bill", "william")).isTrue();
        assertThat(nicknames.equivalent("liz", "elizabeth")).isTrue();
        assertThat(nicknames.equivalent("peggy", "margaret")).isTrue();
        assertThat(nicknames.equivalent("jim", "james")).isTrue();
        assertThat(nicknames.equivalent("kate", "catherine")).isTrue();
    }

    @Test
    void knowsGermanFrenchAndSpanishShortForms() {
        assertThat(nicknames.equivalent("hans", "johannes")).isTrue();
        assertThat(nicknames.equivalent("sepp", "josef")).isTrue();
        assertThat(nicknames.equivalent("manu", "emmanuel")).isTrue();
        assertThat(nicknames.equivalent("paco", "francisco")).isTrue();
        assertThat(nicknames.equivalent("pepe", "jose")).isTrue();
    }

    @Test
    void aShortFormOfTwoNamesDoesNotMakeThemEquivalent() {
        assertThat(nicknames.equivalent("al", "alan")).isTrue();
        assertThat(nicknames.equivalent("al", "albert")).isTrue();
        assertThat(nicknames.equivalent("alan", "albert")).isFalse();
        assertThat(nicknames.formalNames("al")).contains("alan", "albert", "alfred");
    }

    @Test
    void namesOfTheirOwnAreNotShortForms() {
        // today given names in their own right: William and Liam are as often two brothers as one man
        assertThat(nicknames.equivalent("william", "liam")).isFalse();
        assertThat(nicknames.equivalent("jonathan", "nathan")).isFalse();
        assertThat(nicknames.equivalent("alexandra", "sandra")).isFalse();
        assertThat(nicknames.equivalent("elizabeth", "lisa")).isFalse();
        assertThat(nicknames.equivalent("elisabeth", "lisa")).isFalse();
        assertThat(nicknames.equivalent("william", "bill")).isTrue();
        assertThat(nicknames.equivalent("elizabeth", "liz")).isTrue();
        assertThat(nicknames.equivalent("alexandra", "sandy")).isTrue();
    }

    @Test
    void compoundNamesAreLookedUpAsOneWord() {
        assertThat(FieldComparators.firstName("José María", "Chema")).isEqualTo(ComparisonLevel.EQUIVALENT);
        assertThat(FieldComparators.firstName("Chema", "Jose-Maria")).isEqualTo(ComparisonLevel.EQUIVALENT);
    }

    @Test
    void unknownAndEqualNamesAreNotNicknames() {
        assertThat(nicknames.equivalent("robert", "robert")).isFalse();
        assertThat(nicknames.equivalent("zebedee", "robert")).isFalse();
        assertThat(nicknames.formalNames("zebedee")).isEmpty();
    }

    @Test
    void readsACustomTable() throws IOException {
        Nicknames custom = Nicknames.parse(new StringReader("""
                # comment
                Anders Andi   # trailing comment
                lonely
                Örjan Orre
                """));
        assertThat(custom.equivalent("anders", "andi")).isTrue();
        assertThat(custom.equivalent("orjan", "orre")).isTrue();
        assertThat(custom.formalNames("lonely")).isEmpty();
    }
}
