package dev.tessera.profile.cx;

import dev.tessera.core.cx.CxStore;
import dev.tessera.core.cx.Moment;
import dev.tessera.core.model.ProfileId;
import dev.tessera.core.store.ProfileStore;
import java.time.Clock;
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
 * What changes with time alone: complaints that pass their SLA fire their moment of truth (published on
 * the change feed) without any new event arriving, and journey stages that depend on time move. Both
 * are idempotent, so several instances may run them; the stage refresh, a pass over every profile, is
 * run by one instance per period all the same ({@link #REFRESH_LOCK}).
 */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
@ConditionalOnProperty(name = "tessera.cx-schedule.enabled", havingValue = "true", matchIfMissing = true)
class CxSchedule {

    private static final Logger log = LoggerFactory.getLogger(CxSchedule.class);

    /**
     * String with a TTL of most of a refresh period: the instance that sets it runs this period's stage
     * refresh, the others skip it. Never released (a crashed holder costs one period at most).
     */
    static final String REFRESH_LOCK = "cx:refresh-lock";
    /** As {@link #REFRESH_LOCK}, for the sweep of waiting interactions ({@link #waitingInteractions}). */
    static final String WAITING_LOCK = "cx:waiting-lock";
    /** As {@link #REFRESH_LOCK}, for the slow repair pass ({@link #repairTallies}). */
    static final String REPAIR_LOCK = "cx:repair-lock";

    private final CxStore cx;
    private final ProfileStore profiles;
    private final Clock clock;
    private final Duration refreshEvery;
    private final Duration repairEvery;
    private final Duration waitingEvery;
    private final String instance = java.util.UUID.randomUUID().toString();

    @org.springframework.beans.factory.annotation.Autowired
    CxSchedule(CxStore cx, ProfileStore profiles,
            @Value("${tessera.cx-schedule.refresh-every:6h}") Duration refreshEvery,
            @Value("${tessera.cx-schedule.repair-every:7d}") Duration repairEvery,
            @Value("${tessera.cx-schedule.waiting-every:10m}") Duration waitingEvery) {
        this.cx = cx;
        this.profiles = profiles;
        this.clock = Clock.systemUTC();
        this.refreshEvery = refreshEvery;
        this.repairEvery = repairEvery;
        this.waitingEvery = waitingEvery;
    }

    CxSchedule(CxStore cx, ProfileStore profiles, Duration refreshEvery) {
        this(cx, profiles, refreshEvery, Duration.ofDays(7), Duration.ofMinutes(10));
    }

    /**
     * Takes {@code lock} for this period (nine tenths of {@code every}, at least a second) unless another
     * instance holds it: a job over the whole data runs on one instance per period. Never released.
     */
    private boolean holdsPeriod(String lock, Duration every) {
        String taken = profiles.connection().commands().set(lock, instance,
                io.lettuce.core.SetArgs.Builder.nx().px(Math.max(1_000, every.toMillis() * 9 / 10)));
        return "OK".equals(taken);
    }

    @Scheduled(fixedDelayString = "${tessera.cx-schedule.overdue-every:60s}", initialDelayString = "${tessera.cx-schedule.overdue-every:60s}")
    void overdueComplaints() {
        List<Moment> fired = cx.checkOverdue(clock.instant());
        if (!fired.isEmpty()) {
            log.info("{} complaint(s) passed their SLA; moments published on the change feed", fired.size());
        }
    }

    /**
     * Interactions that waited for their record and still wait though the record is stored (the process
     * stopped between storing it and attaching them) are attached every
     * {@code tessera.cx-schedule.waiting-every} (default 10 minutes), instead of expiring unseen.
     */
    @Scheduled(fixedDelayString = "${tessera.cx-schedule.waiting-every:10m}",
            initialDelayString = "${tessera.cx-schedule.waiting-every:10m}")
    void waitingInteractions() {
        // a SCAN of the whole keyspace: one instance per period, like the passes over every profile
        if (!holdsPeriod(WAITING_LOCK, waitingEvery)) {
            return;
        }
        try {
            int attached = cx.attachWaiting();
            if (attached > 0) {
                log.info("{} interaction(s) that waited for a stored record attached", attached);
            }
        } catch (RuntimeException e) {
            // the class only: a message may quote a stored value, personal data
            log.warn("attaching waiting interactions failed: {}", e.getClass().getSimpleName());
        }
    }

    /**
     * Journey stages that depend on time (churned after a year of silence, renewal due) are re-evaluated
     * for every profile every {@code tessera.cx-schedule.refresh-every} (default 6 hours): a stage change
     * is recorded with its time, and churn counts in the dashboard aggregates follow. The pass reads each
     * profile's stored tally and last stage, not its timeline, and writes only where time changed a stage
     * ({@link CxStore#advanceStage}); {@link CxStore#refresh} (a tally recomputed from the timeline) is for
     * repairs.
     */
    @Scheduled(fixedDelayString = "${tessera.cx-schedule.refresh-every:6h}", initialDelayString = "${tessera.cx-schedule.refresh-every:6h}")
    void scheduledRefresh() {
        refreshStages();
    }

    /**
     * Every {@code tessera.cx-schedule.repair-every} (default 7 days) each profile's tally is recomputed
     * from its timeline ({@link CxStore#refresh}): what the stage pass trusts, the stored tally, may be stale
     * after a change of the CX settings (ticket id attribute, complaint marker) or after a crash between a
     * write and its follow-up (the open-complaint index). The stage pass did this every 6 hours until it
     * read tallies instead of timelines; a pass over every timeline is now weekly.
     */
    @Scheduled(fixedDelayString = "${tessera.cx-schedule.repair-every:7d}",
            initialDelayString = "${tessera.cx-schedule.repair-every:7d}")
    void scheduledRepair() {
        repairTallies();
    }

    /**
     * One pass recomputing every profile's tally, unless another instance ran one within this period.
     *
     * @return profiles repaired; -1 when another instance holds this period
     */
    long repairTallies() {
        if (!holdsPeriod(REPAIR_LOCK, repairEvery)) {
            return -1;
        }
        long[] repaired = {0};
        long started = System.nanoTime();
        profiles.forEachProfileId(id -> {
            try {
                cx.refresh(id);
                repaired[0]++;
            } catch (RuntimeException e) {
                log.warn("recomputing the CX tally of profile {} failed: {}", id, e.getClass().getSimpleName());
            }
        });
        log.info("CX tallies recomputed from the timelines of {} profile(s), {} ms", repaired[0],
                (System.nanoTime() - started) / 1_000_000);
        return repaired[0];
    }

    /** Profiles whose stored state one round trip of the pass reads. */
    private static final int BATCH = 200;

    private void advance(List<ProfileId> batch, long[] counts) {
        if (batch.isEmpty()) {
            return;
        }
        try {
            counts[1] += cx.advanceStages(batch);
            counts[0] += batch.size();
        } catch (RuntimeException e) {
            // one profile's failure must not stop the pass: that batch one by one
            for (ProfileId id : batch) {
                try {
                    counts[1] += cx.advanceStage(id) ? 1 : 0;
                    counts[0]++;
                } catch (RuntimeException each) {
                    log.warn("re-evaluating the journey stage of profile {} failed: {}", id,
                            each.getClass().getSimpleName());
                }
            }
        }
        batch.clear();
    }

    /**
     * One pass over every profile, unless another instance ran one within this period.
     *
     * @return profiles refreshed; -1 when another instance holds this period
     */
    long refreshStages() {
        if (!holdsPeriod(REFRESH_LOCK, refreshEvery)) {
            log.debug("CX stage refresh skipped: another instance runs this period's");
            return -1;
        }
        long[] counts = {0, 0};
        long started = System.nanoTime();
        List<ProfileId> batch = new java.util.ArrayList<>(BATCH);
        // as the SCAN finds them, not listed first: the list would grow with the data; read in batches
        profiles.forEachProfileId(id -> {
            batch.add(id);
            if (batch.size() == BATCH) {
                advance(batch, counts);
            }
        });
        advance(batch, counts);
        log.info("CX stages re-evaluated for {} profile(s), {} changed by time alone, {} ms", counts[0], counts[1],
                (System.nanoTime() - started) / 1_000_000);
        return counts[0];
    }
}
