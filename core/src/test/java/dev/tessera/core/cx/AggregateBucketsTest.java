package dev.tessera.core.cx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.tessera.core.model.Interaction.Money;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class AggregateBucketsTest {

    @Test
    void amountsAreSummedInTenThousandthsUpToAbout92BillionUnits() {
        assertThat(AggregateBuckets.minorUnits(new Money(new BigDecimal("19.99"), "EUR"))).isEqualTo(199_900);
        assertThat(AggregateBuckets.minorUnits(new Money(new BigDecimal("0.00005"), "EUR"))).isZero(); // half-even
        // an order of a billion dong counts
        assertThat(AggregateBuckets.minorUnits(new Money(new BigDecimal("1000000000"), "VND")))
                .isEqualTo(10_000_000_000_000L);
        assertThat(AggregateBuckets.minorUnits(new Money(AggregateBuckets.MAX_MONEY, "IDR"))).isPositive();
        // beyond the limit: left out, so 10,000 of the largest still fit one bucket field
        assertThat(AggregateBuckets.minorUnits(new Money(AggregateBuckets.MAX_MONEY.add(BigDecimal.ONE), "IDR")))
                .isZero();
        long largest = AggregateBuckets.minorUnits(new Money(AggregateBuckets.MAX_MONEY, "IDR"));
        assertThatCode(() -> Math.multiplyExact(largest, 10_000L)).as("no overflow").doesNotThrowAnyException();
        assertThat(AggregateBuckets.minorUnits(null)).isZero();
    }
}
