package dev.tessera.profile.segment;

import dev.tessera.profile.system.ProfileServiceProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** Creates the segments kept in configuration ({@code tessera.segments.seed}) once the app is up. */
@Component
class SegmentSeeding {

    private static final Logger log = LoggerFactory.getLogger(SegmentSeeding.class);

    private final SegmentService segments;
    private final ProfileServiceProperties properties;

    SegmentSeeding(SegmentService segments, ProfileServiceProperties properties) {
        this.segments = segments;
        this.properties = properties;
    }

    @EventListener(ApplicationReadyEvent.class)
    void seed() {
        int created = segments.seed(properties.segments().seed().stream()
                .map(s -> new SegmentService.Seed(s.name(), s.description(), s.rule())).toList());
        if (created > 0) {
            log.info("{} segment(s) created from tessera.segments.seed", created);
        }
    }
}
