package dev.tessera.core.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SegmentPreviewTest {

    @Test
    void everyProfileEvaluatedIsAnExactCount() {
        SegmentPreview p = SegmentPreview.of(40, 40, 7, List.of());

        assertThat(p.exact()).isTrue();
        assertThat(List.of(p.estimate(), p.low(), p.high())).containsOnly(7L);
    }

    @Test
    void aSampleIsScaledWithAWilsonInterval() {
        // 100 of 1,000 sampled from 100,000: 10 % (Wilson 95 %: 8.29 % to 12.02 %)
        SegmentPreview p = SegmentPreview.of(100_000, 1_000, 100, List.of());

        assertThat(p.exact()).isFalse();
        assertThat(p.estimate()).isEqualTo(10_000);
        assertThat(p.low()).isBetween(8_290L, 8_310L);
        assertThat(p.high()).isBetween(12_010L, 12_020L);
    }

    @Test
    void noMatchInASampleStillLeavesRoomAboveZero() {
        SegmentPreview p = SegmentPreview.of(100_000, 1_000, 0, List.of());

        assertThat(p.estimate()).isZero();
        assertThat(p.low()).isZero();
        // Wilson at 0 of 1,000: up to 0.38 %
        assertThat(p.high()).isBetween(370L, 390L);
    }

    @Test
    void theIntervalNeverLeavesWhatWasSeen() {
        // 10 of 10 sampled from 12: at least 10, at most 12
        SegmentPreview all = SegmentPreview.of(12, 10, 10, List.of());
        assertThat(all.low()).isEqualTo(10);
        assertThat(all.estimate()).isEqualTo(12);
        assertThat(all.high()).isEqualTo(12);
        // 0 of 10 sampled from 12: at most the 2 not seen
        SegmentPreview none = SegmentPreview.of(12, 10, 0, List.of());
        assertThat(none.high()).isEqualTo(2);
    }

    @Test
    void nothingEvaluatedSaysNothingAndInconsistentCountsAreRefused() {
        SegmentPreview p = SegmentPreview.of(500, 0, 0, List.of());
        assertThat(p.low()).isZero();
        assertThat(p.high()).isEqualTo(500);
        assertThatThrownBy(() -> SegmentPreview.of(10, 5, 6, List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SegmentPreview.of(10, 11, 1, List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anEstimateOnAHalfRoundsUpLikeTheSumWritesIt() {
        // 23 of 80 sampled from 200 is 57.5 exactly: 58, whatever the binary share 0.2875 × 200 gives
        assertThat(SegmentPreview.of(200, 80, 23, List.of()).estimate()).isEqualTo(58);
    }
}
