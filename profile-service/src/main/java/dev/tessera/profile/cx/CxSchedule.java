package dev.tessera.profile.cx;

import dev.tessera.core.cx.CxStore;
import dev.tessera.core.cx.Moment;
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
 * the change feed) without any new event arriving. Runs every {@code tessera.cx-schedule.overdue-every}
 * (default one minute); firing is idempotent per complaint, so several instances may run it.
 */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
@ConditionalOnProperty(name = "tessera.cx-schedule.enabled", havingValue = "true", matchIfMissing = true)
class CxSchedule {

    private static final Logger log = LoggerFactory.getLogger(CxSchedule.class);

    private final CxStore cx;
    private final Clock clock;

    CxSchedule(CxStore cx) {
        this.cx = cx;
        this.clock = Clock.systemUTC();
    }

    @Scheduled(fixedDelayString = "${tessera.cx-schedule.overdue-every:60s}", initialDelayString = "${tessera.cx-schedule.overdue-every:60s}")
    void overdueComplaints() {
        List<Moment> fired = cx.checkOverdue(clock.instant());
        if (!fired.isEmpty()) {
            log.info("{} complaint(s) passed their SLA; moments published on the change feed", fired.size());
        }
    }
}
