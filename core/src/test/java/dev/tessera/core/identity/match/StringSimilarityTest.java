package dev.tessera.core.identity.match;

import static dev.tessera.core.identity.match.StringSimilarity.damerauLevenshtein;
import static dev.tessera.core.identity.match.StringSimilarity.jaro;
import static dev.tessera.core.identity.match.StringSimilarity.jaroWinkler;
import static dev.tessera.core.identity.match.StringSimilarity.withinOneEdit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class StringSimilarityTest {

    @Test
    void jaroWinklerMatchesPublishedValues() {
        assertThat(jaroWinkler("MARTHA", "MARHTA")).isCloseTo(0.961, within(0.0005));
        assertThat(jaroWinkler("DIXON", "DICKSONX")).isCloseTo(0.813, within(0.0005));
        assertThat(jaroWinkler("DWAYNE", "DUANE")).isCloseTo(0.840, within(0.0005));
        assertThat(jaro("MARTHA", "MARHTA")).isCloseTo(0.944, within(0.0005));
        assertThat(jaro("DIXON", "DICKSONX")).isCloseTo(0.767, within(0.0005));
    }

    @Test
    void jaroWinklerEdgeCases() {
        assertThat(jaroWinkler("same", "same")).isEqualTo(1.0);
        assertThat(jaroWinkler("", "")).isEqualTo(0.0);
        assertThat(jaroWinkler("abc", "")).isEqualTo(0.0);
        assertThat(jaroWinkler("abc", "xyz")).isEqualTo(0.0);
        assertThat(jaroWinkler("a", "a")).isEqualTo(1.0);
        assertThat(jaroWinkler("martha", "marhta")).isEqualTo(jaroWinkler("marhta", "martha"));
    }

    @Test
    void damerauLevenshteinCountsTranspositionsAsOneEdit() {
        assertThat(damerauLevenshtein("kitten", "sitting")).isEqualTo(3);
        assertThat(damerauLevenshtein("ab", "ba")).isEqualTo(1);
        assertThat(damerauLevenshtein("ca", "abc")).isEqualTo(2); // unrestricted; the restricted variant says 3
        assertThat(damerauLevenshtein("", "abc")).isEqualTo(3);
        assertThat(damerauLevenshtein("smith", "smith")).isZero();
    }

    @Test
    void optimalStringAlignmentDoesNotEditTransposedLetters() {
        assertThat(StringSimilarity.optimalStringAlignment("ca", "abc")).isEqualTo(3);
        assertThat(StringSimilarity.optimalStringAlignment("price", "pcire")).isEqualTo(2);
        assertThat(StringSimilarity.optimalStringAlignment("kitten", "sitting")).isEqualTo(3);
        assertThat(StringSimilarity.optimalStringAlignment("", "ab")).isEqualTo(2);
        assertThat(StringSimilarity.sameLetters("eloilt", "elliot")).isTrue();
        assertThat(StringSimilarity.sameLetters("elliot", "elliott")).isFalse();
    }

    @Test
    void withinOneEditAgreesWithTheDistance() {
        List<String> words = List.of("", "a", "ab", "ba", "abc", "acb", "abd", "abcd", "bacd", "xbcd", "abdc", "dcba");
        for (String a : words) {
            for (String b : words) {
                assertThat(withinOneEdit(a, b)).as(a + "/" + b).isEqualTo(damerauLevenshtein(a, b) <= 1);
                assertThat(StringSimilarity.optimalStringAlignment(a, b)).as(a + "/" + b)
                        .isGreaterThanOrEqualTo(damerauLevenshtein(a, b));
            }
        }
    }

    @Test
    void tokenSimilarityIgnoresWordOrder() {
        assertThat(StringSimilarity.tokenSimilarity(List.of("anna", "maria"), List.of("maria", "anna"))).isEqualTo(1.0);
        assertThat(StringSimilarity.tokenSimilarity(List.of("anna"), List.of())).isZero();
        assertThat(StringSimilarity.tokenSimilarity(List.of("garcia", "lopez"), List.of("garcia")))
                .isGreaterThan(0.7).isLessThan(1.0);
    }
}
