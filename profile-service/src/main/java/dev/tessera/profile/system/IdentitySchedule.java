package dev.tessera.profile.system;

import dev.tessera.core.cx.CxIdentityHooks;
import dev.tessera.core.identity.ProfileResolver;
import dev.tessera.core.model.ProfileId;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * Finishes splits and re-resolutions that a stopped process left halfway: a dissolved profile's records
 * stay held in Redis until they are resolved again and their timelines and consent have followed them
 * ({@link ProfileResolver#finishDissolved}). Every {@code tessera.identity-schedule.finish-every} (default
 * one minute) this instance takes over those dissolved at least {@code tessera.identity-schedule.grace}
 * ago (default two minutes, so a split still running elsewhere is left alone). Several instances may run
 * it: each held profile is claimed by one.
 */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
@ConditionalOnProperty(name = "tessera.identity-schedule.enabled", havingValue = "true", matchIfMissing = true)
class IdentitySchedule {

    private static final Logger log = LoggerFactory.getLogger(IdentitySchedule.class);

    private final ProfileResolver resolver;
    private final CxIdentityHooks cxHooks;
    private final Duration grace;

    IdentitySchedule(ProfileResolver resolver, CxIdentityHooks cxHooks,
            @Value("${tessera.identity-schedule.grace:2m}") Duration grace) {
        if (grace.isNegative()) {
            throw new IllegalArgumentException("tessera.identity-schedule.grace must not be negative");
        }
        this.resolver = resolver;
        this.cxHooks = cxHooks;
        this.grace = grace;
    }

    @Scheduled(fixedDelayString = "${tessera.identity-schedule.finish-every:60s}",
            initialDelayString = "${tessera.identity-schedule.finish-every:60s}")
    void finishDissolved() {
        List<ProfileId> finished;
        try {
            finished = resolver.finishDissolved(grace, cxHooks::afterMoved);
        } catch (RuntimeException e) {
            // the type only: messages can name source record ids (an email as a CRM key); tried again next time
            log.warn("Finishing a stopped split or re-resolution failed ({}); it is tried again", e.getClass().getSimpleName());
            return;
        }
        if (!finished.isEmpty()) {
            // ids only: no personal data in logs
            log.warn("finished {} split(s) or re-resolution(s) a stopped process had left halfway: {}",
                    finished.size(), finished);
        }
    }
}
