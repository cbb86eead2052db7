package dev.tessera.core.cx;

import static dev.tessera.core.cx.CxFixtures.T0;
import static dev.tessera.core.cx.CxFixtures.nps;
import static dev.tessera.core.cx.CxFixtures.order;
import static dev.tessera.core.cx.CxFixtures.rec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.core.identity.Resolution;
import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.Identifier;
import dev.tessera.core.model.IdentifierType;
import dev.tessera.core.model.ProfileId;
import dev.tessera.core.model.SourceRecordId;
import dev.tessera.core.segment.SegmentStore;
import dev.tessera.core.store.ProfileStore;
import dev.tessera.core.store.ProfileStore.SlotPart;
import dev.tessera.core.store.ProfileStore.SlotRead;
import dev.tessera.core.store.ProfileStore.Whole;
import dev.tessera.core.store.RedisKeys;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ProfileStore#findWhole}, the one-script read of a profile view, against real Redis: it must
 * answer exactly what the separate reads answer (profile, records, links, CX metrics, segment
 * memberships), for live, merged-away, moved-timeline and unknown ids.
 */
class ProfileWholeReadTest extends CxStoreTestBase {

    private final SourceRecordId ann = rec("shop", "ann");
    private final SourceRecordId annCrm = rec("crm", "A-17");

    private SegmentStore segments;

    @BeforeEach
    void openSegments() {
        segments = new SegmentStore(redis, RedisKeys.Namespace.DEFAULT);
    }

    private SegmentStore segments() {
        return segments;
    }

    private Whole whole(ProfileId id) {
        return profiles.findWhole(id, List.of(cx.metricsPart(), segments.membershipsPart())).orElseThrow();
    }

    /** The answer of the separate reads, as the 360 view made them before. */
    private void assertSameAsSeparateReads(ProfileId asked) {
        Whole whole = profiles.findWhole(asked, List.of(cx.metricsPart(), segments.membershipsPart())).orElseThrow();
        ProfileId live = profiles.find(asked).orElseThrow().id();

        assertThat(whole.profile()).isEqualTo(profiles.find(asked).orElseThrow());
        assertThat(whole.contents()).isEqualTo(profiles.contents(live));
        assertThat(whole.get(cx.metricsPart())).isEqualTo(cx.metrics(asked));
        assertThat(whole.get(segments.membershipsPart())).isEqualTo(segments.membershipsOf(live));
    }

    @Test
    void aLiveProfileWithInteractionsAndSegmentsReadsLikeTheSeparateReads() {
        ProfileId p = resolveAndHook(ann, "ann@example.com").profileId();
        resolveAndHook(annCrm, "ann@example.com");
        cx.append(order(ann, "o-1", T0.minus(Duration.ofDays(3)), "10", "EUR"));
        cx.append(nps(annCrm, "n-1", T0.minus(Duration.ofDays(2)), 9));
        segments().apply(p, Map.of("vip", true, "lapsed", false), T0, false);

        assertSameAsSeparateReads(p);
        Whole whole = whole(p);
        assertThat(whole.contents().records()).extracting(CustomerRecord::id).containsExactly(annCrm, ann);
        assertThat(whole.contents().links()).containsOnlyKeys(ann, annCrm);
        assertThat(whole.get(cx.metricsPart()).orders()).isEqualTo(1);
        assertThat(whole.get(cx.metricsPart()).npsLatest()).isEqualTo(9);
        assertThat(whole.get(segments().membershipsPart())).containsOnlyKeys("vip");
    }

    @Test
    void aProfileWithoutInteractionsOrSegmentsHasEmptyParts() {
        ProfileId p = resolveAndHook(ann, "ann@example.com").profileId();

        assertSameAsSeparateReads(p);
        assertThat(whole(p).get(cx.metricsPart()).interactions()).isZero();
        assertThat(whole(p).get(segments().membershipsPart())).isEmpty();
    }

    @Test
    void aMergedAwayIdIsFollowedToTheSurvivor() {
        ProfileId a = resolveAndHook(ann, "ann@example.com").profileId();
        clock.advance(Duration.ofSeconds(1));
        ProfileId b = resolveAndHook(annCrm, "ann.smith@example.com").profileId();
        cx.append(order(annCrm, "o-2", T0.minus(Duration.ofDays(1)), "20", "EUR"));
        Resolution bridge = resolveAndHook(rec("crm", "A-18"), "ann@example.com", "ann.smith@example.com");
        assertThat(bridge.merged()).containsExactly(b);

        Whole viaOldId = whole(b);

        assertThat(viaOldId.profile().id()).isEqualTo(a);
        assertThat(viaOldId.contents().records()).hasSize(3);
        assertThat(viaOldId.get(cx.metricsPart()).orders()).isEqualTo(1);
        assertSameAsSeparateReads(b);
    }

    @Test
    void aTimelineThatMovedWhileTheProfileDocumentsAreSeparateIsFollowed() {
        ProfileId a = resolveAndHook(ann, "ann@example.com").profileId();
        ProfileId b = resolveAndHook(annCrm, "other@example.com").profileId();
        cx.append(order(annCrm, "o-2", T0.minus(Duration.ofDays(2)), "20", "EUR"));
        cx.absorb(b, a); // as if a read raced the merge: b's timeline is with a, b's document not yet forwarded

        assertThat(whole(b).profile().id()).isEqualTo(b);
        assertThat(whole(b).get(cx.metricsPart()).orders()).as("the moved tally, not an empty one").isEqualTo(1);
        assertSameAsSeparateReads(b);
    }

    @Test
    void anUnknownIdIsEmpty() {
        assertThat(profiles.findWhole(ProfileId.random(), List.of(cx.metricsPart()))).isEmpty();
    }

    @Test
    void aPartThatReadsOutsideTheProfilesSlotIsRefused() {
        ProfileId p = resolveAndHook(ann, "ann@example.com").profileId();
        SlotPart<Optional<String>> foreign = new SlotPart<>() {
            @Override
            public List<SlotRead> reads(ProfileId live) {
                return List.of(SlotRead.field("{seg}:defs", "x"));
            }

            @Override
            public Optional<String> decode(ProfileId live, List<Object> answers) {
                return Optional.ofNullable((String) answers.get(0));
            }
        };

        assertThatThrownBy(() -> profiles.findWhole(p, List.of(foreign)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside the profile's slot");
    }

    @Test
    void partsNotReadWithTheProfileAreRefused() {
        ProfileId p = resolveAndHook(ann, "ann@example.com").profileId();
        Whole whole = profiles.findWhole(p, List.of(cx.metricsPart())).orElseThrow();

        assertThatThrownBy(() -> whole.get(segments().membershipsPart())).isInstanceOf(IllegalArgumentException.class);
    }
}
