package dev.tessera.core.identity.match;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TextNormalizerTest {

    @Test
    void foldsCaseAccentsAndWhitespace() {
        assertThat(TextNormalizer.fold("  José   GARCÍA ")).isEqualTo("jose garcia");
        assertThat(TextNormalizer.fold("Zoë Łukasiewicz")).isEqualTo("zoe lukasiewicz");
        assertThat(TextNormalizer.fold("Ǆemal")).isEqualTo("dzemal");
    }

    @Test
    void dropsApostrophesAndFullStopsButSplitsOnOtherPunctuation() {
        assertThat(TextNormalizer.fold("O'Brien")).isEqualTo("obrien");
        assertThat(TextNormalizer.fold("D’Angelo")).isEqualTo("dangelo");
        assertThat(TextNormalizer.fold("St. Kilda Rd.")).isEqualTo("st kilda rd");
        assertThat(TextNormalizer.fold("Smith-Jones")).isEqualTo("smith jones");
        assertThat(TextNormalizer.fold("12/3, Main\tSt")).isEqualTo("12 3 main st");
    }

    @Test
    void germanAndNordicLettersHaveBothSpellings() {
        assertThat(TextNormalizer.fold("Müller")).isEqualTo("muller");
        assertThat(TextNormalizer.foldDigraphs("Müller")).isEqualTo("mueller");
        assertThat(TextNormalizer.foldDigraphs("Ørsted Ærø Åse Strauß")).isEqualTo("oersted aeroe aase strauss");
        assertThat(TextNormalizer.fold("Ørsted Ærø Åse Strauß")).isEqualTo("orsted aero ase strauss");
    }

    @Test
    void equivalentAcrossSpellings() {
        assertThat(TextNormalizer.equivalent("Müller", "Mueller")).isTrue();
        assertThat(TextNormalizer.equivalent("Müller", "MULLER")).isTrue();
        assertThat(TextNormalizer.equivalent("Jørgensen", "Joergensen")).isTrue();
        assertThat(TextNormalizer.equivalent("Åberg", "Aaberg")).isTrue();
        assertThat(TextNormalizer.equivalent("Straße", "Strasse")).isTrue();
        assertThat(TextNormalizer.equivalent("Mæhle", "Maehle")).isTrue();
        assertThat(TextNormalizer.equivalent("Müller", "Miller")).isFalse();
        assertThat(TextNormalizer.equivalent(null, "x")).isFalse();
    }

    @Test
    void transliteratesCyrillicAndGreek() {
        assertThat(TextNormalizer.fold("Сергей Иванов")).isEqualTo("sergey ivanov");
        assertThat(TextNormalizer.fold("Юлия Щукина")).isEqualTo("yuliya shchukina");
        assertThat(TextNormalizer.fold("Νίκος Παπαδόπουλος")).isEqualTo("nikos papadopoulos");
    }

    @Test
    void keepsLettersOfOtherScripts() {
        assertThat(TextNormalizer.fold("王 小明")).isEqualTo("王 小明");
    }

    @Test
    void blankAndNullFoldToNothing() {
        assertThat(TextNormalizer.fold(null)).isEmpty();
        assertThat(TextNormalizer.fold(" .- ")).isEmpty();
        assertThat(TextNormalizer.folded("  ")).isNull();
        assertThat(TextNormalizer.tokens("anna  maria")).containsExactly("anna", "maria");
    }

    @Test
    void foldedKeepsOneInstanceWhenSpellingsAgree() {
        TextNormalizer.Folded plain = TextNormalizer.folded("Smith");
        assertThat(plain.hasDigraphs()).isFalse();
        TextNormalizer.Folded umlaut = TextNormalizer.folded("Jürgen Möller");
        assertThat(umlaut.hasDigraphs()).isTrue();
        assertThat(umlaut.compact()).isEqualTo("jurgenmoller");
        assertThat(umlaut.compactDigraph()).isEqualTo("juergenmoeller");
    }

    @Test
    void southSlavicDjIsASecondSpelling() {
        assertThat(FieldComparators.firstName("Đorđe", "Djordje")).as("as Jürgen / Juergen").isEqualTo(ComparisonLevel.EQUIVALENT);
        assertThat(FieldComparators.lastName("Đặng", "Dang")).as("Vietnamese đ stays d").isEqualTo(ComparisonLevel.EXACT);
    }
}
