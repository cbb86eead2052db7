package dev.tessera.profile.cx;

import dev.tessera.core.cx.CxStore;
import dev.tessera.core.cx.Moment;
import dev.tessera.core.model.ProfileId;
import dev.tessera.core.store.ProfileStore;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * What changes with time alone: complaints that pass their SLA fire their moment of truth (published on
 * the change feed) without any new event arriving, and journey stages that depend on time move. Both
 * are idempotent, so several instances may run them.
 */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
@ConditionalOnProperty(name = "tessera.cx-schedule.enabled", havingValue = "true", matchIfMissing = true)
class CxSchedule {

    private static final Logger log = LoggerFactory.getLogger(CxSchedule.class);

    private final CxStore cx;
    private final ProfileStore profiles;
    private final Clock clock;

    CxSchedule(CxStore cx, ProfileStore profiles) {
        this.cx = cx;
        this.profiles = profiles;
        this.clock = Clock.systemUTC();
    }

    @Scheduled(fixedDelayString = "${tessera.cx-schedule.overdue-every:60s}", initialDelayString = "${tessera.cx-schedule.overdue-every:60s}")
    void overdueComplaints() {
        List<Moment> fired = cx.checkOverdue(clock.instant());
        if (!fired.isEmpty()) {
            log.info("{} complaint(s) passed their SLA; moments published on the change feed", fired.size());
        }
    }

    /**
     * Journey stages that depend on time (churned after a year of silence, renewal due) are re-evaluated
     * for every profile every {@code tessera.cx-schedule.refresh-every} (default 6 hours): a stage change
     * is recorded with its time, and churn counts in the dashboard aggregates follow.
     */
    @Scheduled(fixedDelayString = "${tessera.cx-schedule.refresh-every:6h}", initialDelayString = "${tessera.cx-schedule.refresh-every:6h}")
    void refreshStages() {
        long refreshed = 0;
        for (ProfileId id : profiles.profileIds()) {
            try {
                cx.refresh(id);
                refreshed++;
            } catch (RuntimeException e) {
                log.warn("refreshing the CX metrics of profile {} failed: {}", id, e.getClass().getSimpleName());
            }
        }
        log.info("CX stages re-evaluated for {} profile(s)", refreshed);
    }
}
