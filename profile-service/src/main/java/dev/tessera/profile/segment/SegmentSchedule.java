package dev.tessera.profile.segment;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * Every {@code tessera.segments.refresh-every} (default 1 hour): segments whose rules depend on time are
 * evaluated for every profile, and builds an instance did not finish are resumed ({@link SegmentService#refresh}).
 */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
@ConditionalOnProperty(name = "tessera.segments.schedule.enabled", havingValue = "true", matchIfMissing = true)
class SegmentSchedule {

    private final SegmentService segments;

    SegmentSchedule(SegmentService segments) {
        this.segments = segments;
    }

    @Scheduled(fixedDelayString = "${tessera.segments.refresh-every:1h}",
            initialDelayString = "${tessera.segments.refresh-every:1h}")
    void refresh() {
        segments.refresh();
    }

    /** Builds left unfinished (a stopped instance, an edit during a build) resume within a minute or two. */
    @Scheduled(fixedDelayString = "${tessera.segments.resume-every:60s}",
            initialDelayString = "${tessera.segments.resume-every:60s}")
    void resume() {
        segments.resumeSoon();
    }
}
