package dev.tessera.core.cx;

import dev.tessera.core.cx.CxMetrics.NpsCategory;
import dev.tessera.core.cx.CxTally.Ticket;
import dev.tessera.core.model.Interaction;
import dev.tessera.core.model.InteractionKind;
import dev.tessera.core.store.RedisKeys;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The dashboard buckets' layout and what one interaction or one ticket contributes to them
 * (docs/cx-metrics.md, "Dashboard aggregates"). Every aggregate key shares the hash tag {@code {cx:agg}}
 * so the Lua below touches one slot, also on Redis Cluster:
 * <ul>
 *   <li>{@code {cx:agg}:day:YYYY-MM-DD} hash: {@code DIM|METRIC|PART} → integer sum, DIM being {@code all},
 *       {@code channel:LABEL} or {@code touchpoint:LABEL}</li>
 *   <li>{@code {cx:agg}:active:YYYY-MM-DD} HyperLogLog of the profiles with an interaction that day</li>
 *   <li>{@code {cx:agg}:counted} hash, the ledger: {@code i|INTERACTION KEY} or {@code t|TICKET KEY} → the
 *       contribution last added to the buckets, so a correction subtracts exactly what it added and a moved
 *       interaction (merge, split) is recognised as counted already</li>
 * </ul>
 * A contribution is text: the UTC day, the dimensions (tab-separated, {@code all} first), then one
 * {@code METRIC|PART<tab>increment} per line. Labels cannot hold control characters ({@link InteractionLimits}),
 * so tabs and newlines are safe separators. All increments are integers (money in 1/10,000 of the unit)
 * so {@code HINCRBY} adds them exactly.
 */
final class AggregateBuckets {

    /** Label of an interaction without channel or touchpoint. */
    static final String NONE = "(none)";
    /** Money is summed as integers of 1/10,000 of the currency unit. */
    static final int MONEY_SCALE = 4;
    /**
     * The largest amount summed, about 9.2 × 10^10 units (92 billion: an order of a billion dong or rupiah
     * counts): 1/10,000 units up to Long.MAX_VALUE / 10,000, so 10,000 of the largest orders still fit one
     * bucket field before {@code HINCRBY} would overflow.
     */
    static final BigDecimal MAX_MONEY = BigDecimal.valueOf(Long.MAX_VALUE / 10_000, MONEY_SCALE);

    /**
     * Lua shared by the timeline write (single node) and {@link #APPLY} (the second step on Cluster):
     * {@code agg_run(ledger, prefix, churn, who, i)} adds the churn increments ({@link #churnLines}) and reads
     * from {@code ARGV[i]}: the number of ledger pairs, the pairs (field, contribution or '' for none), the
     * number of active days, the days.
     */
    static final String LUA = """
            local function agg_apply(prefix, c, negate)
              local lines = {}
              for line in string.gmatch(c, '[^\\n]+') do lines[#lines + 1] = line end
              local key = prefix .. 'day:' .. lines[1]
              local dims = {}
              for d in string.gmatch(lines[2], '[^\\t]+') do dims[#dims + 1] = d end
              for k = 3, #lines do
                local tab = string.find(lines[k], '\\t', 1, true)
                local field = string.sub(lines[k], 1, tab - 1)
                local inc = string.sub(lines[k], tab + 1)
                if negate then
                  if string.sub(inc, 1, 1) == '-' then inc = string.sub(inc, 2) else inc = '-' .. inc end
                end
                for _, d in ipairs(dims) do
                  local f = d .. '|' .. field
                  if redis.call('HINCRBY', key, f, inc) == 0 then redis.call('HDEL', key, f) end
                end
              end
            end
            local function agg_run(ledger, prefix, churn, who, i)
              for line in string.gmatch(churn, '[^\\n]+') do
                local day, field, inc = string.match(line, '^([^\\t]+)\\t([^\\t]+)\\t(.+)$')
                local key, f = prefix .. 'day:' .. day, 'all|churn|' .. field
                if redis.call('HINCRBY', key, f, inc) == 0 then redis.call('HDEL', key, f) end
              end
              local a = tonumber(ARGV[i]); i = i + 1
              for _ = 1, a do
                local field, new = ARGV[i], ARGV[i + 1]
                i = i + 2
                local old = redis.call('HGET', ledger, field)
                if old ~= new and not (old == false and new == '') then
                  if old then agg_apply(prefix, old, true) end
                  if new == '' then
                    redis.call('HDEL', ledger, field)
                  else
                    agg_apply(prefix, new, false)
                    redis.call('HSET', ledger, field, new)
                  end
                end
              end
              local h = tonumber(ARGV[i]); i = i + 1
              for _ = 1, h do
                redis.call('PFADD', prefix .. 'active:' .. ARGV[i], who)
                i = i + 1
              end
            end
            """;

    /**
     * The aggregate step on its own, for Redis Cluster, where the buckets live in another slot than the
     * profile. KEYS: ledger. ARGV: prefix, churn increments, profile id, then as {@code agg_run}.
     */
    static final CxScript APPLY = new CxScript(LUA + """
            agg_run(KEYS[1], ARGV[1], ARGV[2], ARGV[3], 4)
            return {}
            """);

    private AggregateBuckets() {}

    /** {@code {cx:agg}:} under the namespace's prefix: what bucket key names start with. */
    static String prefix(RedisKeys.Namespace keys) {
        return keys.prefix() + "{cx:agg}:";
    }

    static String ledgerKey(RedisKeys.Namespace keys) {
        return prefix(keys) + "counted";
    }

    static String dayKey(RedisKeys.Namespace keys, LocalDate day) {
        return dayKey(prefix(keys), day);
    }

    static String activeKey(RedisKeys.Namespace keys, LocalDate day) {
        return activeKey(prefix(keys), day);
    }

    /** The day bucket under any bucket prefix (the live one, or a segment snapshot's). */
    static String dayKey(String prefix, LocalDate day) {
        return prefix + "day:" + day;
    }

    static String activeKey(String prefix, LocalDate day) {
        return prefix + "active:" + day;
    }

    static LocalDate day(Instant at) {
        return LocalDate.ofInstant(at, ZoneOffset.UTC);
    }

    static String interactionField(String interactionKey) {
        return "i|" + interactionKey;
    }

    static String ticketField(String ticketKey) {
        return "t|" + ticketKey;
    }

    /** What a customer interaction adds to the bucket of its day, in all three dimensions; null for system entries. */
    static String contribution(Interaction i, CxMetricsCalculator calculator) {
        if (CxMetricsCalculator.isSystem(i.kind())) {
            return null;
        }
        List<String> facts = new ArrayList<>();
        facts.add("interactions|count\t1");
        if (i.score() != null) {
            int v = i.score().value();
            switch (i.score().type()) {
                case NPS -> facts.add("nps|" + NpsCategory.of(v).name().toLowerCase(java.util.Locale.ROOT) + "\t1");
                case CSAT -> {
                    facts.add("csat|sum\t" + v);
                    facts.add("csat|count\t1");
                }
                case CES -> {
                    facts.add("ces|sum\t" + v);
                    facts.add("ces|count\t1");
                }
            }
        }
        if (i.kind() == InteractionKind.ORDER) {
            facts.add("orders|count\t1");
            long minor = minorUnits(i.amount());
            if (minor != 0) {
                facts.add("revenue|" + i.amount().currency() + "\t" + minor);
            }
        }
        if (calculator.isComplaint(i)) {
            facts.add("complaints|opened\t1");
        }
        String channel = "channel:" + (i.channel() == null ? NONE : i.channel());
        String touchpoint = "touchpoint:" + (i.touchpoint() == null ? NONE : i.touchpoint());
        return day(i.occurredAt()) + "\nall\t" + channel + "\t" + touchpoint + "\n" + String.join("\n", facts);
    }

    /**
     * What a ticket adds once it is solved (not open): counted on the day of its last solving, in dimension
     * {@code all} only (a ticket's events may come through several channels). '' while open.
     */
    static String contribution(Ticket t) {
        if (t == null || !t.opened() || t.open() || t.lastSolvedAt() == null) {
            return "";
        }
        long resolution = Math.max(0, t.lastSolvedAt().toEpochMilli() - t.firstOpenedAt().toEpochMilli());
        StringBuilder c = new StringBuilder().append(day(t.lastSolvedAt())).append("\nall\ntickets|solved\t1");
        if (resolution > 0) {
            c.append("\ntickets|resolution_ms\t").append(resolution);
        }
        if (t.firstReplyAt() != null) {
            long response = Math.max(0, t.firstReplyAt().toEpochMilli() - t.firstOpenedAt().toEpochMilli());
            c.append("\ntickets|responded\t1");
            if (response > 0) {
                c.append("\ntickets|response_ms\t").append(response);
            }
        }
        if (t.complaint()) {
            c.append("\ncomplaints|solved\t1");
            if (resolution > 0) {
                c.append("\ncomplaints|handling_ms\t").append(resolution);
            }
        }
        return c.toString();
    }

    /** An amount in 1/10,000 of its unit (half-even); 0 without amount or beyond ±{@link #MAX_MONEY}. */
    static long minorUnits(Interaction.Money amount) {
        if (amount == null || amount.value().abs().compareTo(MAX_MONEY) > 0) {
            return 0;
        }
        return amount.value().setScale(MONEY_SCALE, RoundingMode.HALF_EVEN).unscaledValue().longValueExact();
    }

    /**
     * Adds {@code sign} × the churn counts of a stage history to {@code counts} ({@code DAY<tab>entered|left} →
     * n): a change that counts (not caused by a merge or split) into {@code CHURNED} is one 'entered' on the day
     * of its {@code enteredAt}, one out of it a 'left'. {@code before} is the stage before the first change
     * (null: none). The one rule for the incremental counts and {@link CxAggregates#rebuild()}.
     */
    static void churn(List<CxStore.StoredStage> changes, JourneyStage before, long sign, Map<String, Long> counts) {
        JourneyStage previous = before;
        for (CxStore.StoredStage s : changes) {
            if (s.counts() && s.stage() != previous) {
                String field = s.stage() == JourneyStage.CHURNED ? "entered"
                        : previous == JourneyStage.CHURNED ? "left" : null;
                if (field != null) {
                    counts.merge(day(s.enteredAt()) + "\t" + field, sign, Long::sum);
                }
            }
            previous = s.stage();
        }
    }

    /** Churn counts as {@code agg_run} takes them: one {@code DAY<tab>FIELD<tab>increment} per line, zeros left out. */
    static String churnLines(Map<String, Long> counts) {
        StringBuilder lines = new StringBuilder();
        counts.forEach((dayAndField, n) -> {
            if (n != 0) {
                lines.append(dayAndField).append('\t').append(n).append('\n');
            }
        });
        return lines.toString();
    }

    /** Calls {@code sink} with (day, field, increment) for every bucket field a contribution adds to. */
    static void expand(String contribution, FieldSink sink) {
        String[] lines = contribution.split("\n");
        LocalDate day = LocalDate.parse(lines[0]);
        String[] dims = lines[1].split("\t");
        for (int k = 2; k < lines.length; k++) {
            int tab = lines[k].indexOf('\t');
            String field = lines[k].substring(0, tab);
            long inc = Long.parseLong(lines[k].substring(tab + 1));
            for (String dim : dims) {
                sink.add(day, dim + "|" + field, inc);
            }
        }
    }

    @FunctionalInterface
    interface FieldSink {
        void add(LocalDate day, String field, long increment);
    }
}
