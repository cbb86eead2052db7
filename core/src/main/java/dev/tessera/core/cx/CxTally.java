package dev.tessera.core.cx;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.AbstractMap;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The time-independent sums behind a profile's metrics: what is stored at {@code {p:ID}:metrics} and
 * updated on each append. Every component is a count, a sum, a minimum or a maximum over the set of
 * interactions (never "the last one that arrived"), so adding interactions in any order gives the same
 * tally; {@link CxMetricsCalculator#metrics} turns it into {@link CxMetrics} at read time, when "now"
 * is known.
 *
 * @param activeDays         interactions per UTC day (epoch day → count): recency and frequency windows
 * @param latestNps          the NPS answer with the latest time (ties: the larger interaction key)
 * @param detractorAnswers   every detractor NPS answer, for the detractor-after-solved moment
 * @param revenue            gross order value per currency
 * @param returned           value of returns per currency
 * @param ordersWithAmount   orders that carried an amount, per currency (the divisor of AOV)
 * @param tickets            per ticket id: its opening, first reply, solving and whether it is a complaint
 */
public record CxTally(
        long interactions,
        Instant firstInteractionAt,
        Instant lastInteractionAt,
        SortedMap<Long, Long> activeDays,
        Answer latestNps,
        long promoters,
        long passives,
        long detractors,
        List<Answer> detractorAnswers,
        long csatSum,
        long csatCount,
        long cesSum,
        long cesCount,
        long orders,
        long returns,
        SortedMap<String, BigDecimal> revenue,
        SortedMap<String, BigDecimal> returned,
        SortedMap<String, Long> ordersWithAmount,
        Instant firstOrderAt,
        Instant lastOrderAt,
        SortedMap<String, Ticket> tickets) {

    public static final CxTally EMPTY = new CxTally(0, null, null, null, null, 0, 0, 0, null, 0, 0, 0, 0, 0, 0,
            null, null, null, null, null, null);

    public CxTally {
        activeDays = frozen(activeDays);
        detractorAnswers = detractorAnswers == null ? List.of() : List.copyOf(detractorAnswers);
        revenue = frozen(revenue);
        returned = frozen(returned);
        ordersWithAmount = frozen(ordersWithAmount);
        tickets = frozen(tickets);
    }

    private static <K, V> SortedMap<K, V> frozen(Map<K, V> map) {
        if (map instanceof Frozen<K, V> held) { // another tally's, which no one can change: shared, not copied
            return held;
        }
        return new Frozen<>(new TreeMap<>(map == null ? Map.of() : map));
    }

    /**
     * A map made for a new tally and not kept by its maker, taken without copying (the calculator builds a
     * tally per interaction; copying every map twice was a visible part of an append's CPU).
     */
    static <K, V> SortedMap<K, V> handedOver(TreeMap<K, V> fresh) {
        return new Frozen<>(fresh);
    }

    /** An unmodifiable sorted map over a tree map only it holds, so tallies can share it safely. */
    private static final class Frozen<K, V> extends AbstractMap<K, V> implements SortedMap<K, V> {

        private final SortedMap<K, V> view;

        Frozen(TreeMap<K, V> own) {
            this.view = Collections.unmodifiableSortedMap(own);
        }

        @Override
        public Set<Entry<K, V>> entrySet() {
            return view.entrySet();
        }

        @Override
        public Set<K> keySet() {
            return view.keySet();
        }

        @Override
        public Collection<V> values() {
            return view.values();
        }

        @Override
        public int size() {
            return view.size();
        }

        @Override
        public boolean isEmpty() {
            return view.isEmpty();
        }

        @Override
        public V get(Object key) {
            return view.get(key);
        }

        @Override
        public boolean containsKey(Object key) {
            return view.containsKey(key);
        }

        @Override
        public V getOrDefault(Object key, V defaultValue) {
            return view.getOrDefault(key, defaultValue);
        }

        @Override
        public void forEach(BiConsumer<? super K, ? super V> action) {
            view.forEach(action);
        }

        @Override
        public Comparator<? super K> comparator() {
            return view.comparator();
        }

        @Override
        public SortedMap<K, V> subMap(K fromKey, K toKey) {
            return view.subMap(fromKey, toKey);
        }

        @Override
        public SortedMap<K, V> headMap(K toKey) {
            return view.headMap(toKey);
        }

        @Override
        public SortedMap<K, V> tailMap(K fromKey) {
            return view.tailMap(fromKey);
        }

        @Override
        public K firstKey() {
            return view.firstKey();
        }

        @Override
        public K lastKey() {
            return view.lastKey();
        }

        // every change is refused as the JDK's unmodifiable view refuses it (AbstractMap's defaults would
        // quietly answer some of them, e.g. remove of an absent key)
        @Override
        public V put(K key, V value) {
            return view.put(key, value);
        }

        @Override
        public V remove(Object key) {
            return view.remove(key);
        }

        @Override
        public void putAll(Map<? extends K, ? extends V> other) {
            view.putAll(other);
        }

        @Override
        public void clear() {
            view.clear();
        }

        @Override
        public V putIfAbsent(K key, V value) {
            return view.putIfAbsent(key, value);
        }

        @Override
        public boolean remove(Object key, Object value) {
            return view.remove(key, value);
        }

        @Override
        public boolean replace(K key, V oldValue, V newValue) {
            return view.replace(key, oldValue, newValue);
        }

        @Override
        public V replace(K key, V value) {
            return view.replace(key, value);
        }

        @Override
        public V computeIfAbsent(K key, Function<? super K, ? extends V> mapping) {
            return view.computeIfAbsent(key, mapping);
        }

        @Override
        public V computeIfPresent(K key, BiFunction<? super K, ? super V, ? extends V> remapping) {
            return view.computeIfPresent(key, remapping);
        }

        @Override
        public V compute(K key, BiFunction<? super K, ? super V, ? extends V> remapping) {
            return view.compute(key, remapping);
        }

        @Override
        public V merge(K key, V value, BiFunction<? super V, ? super V, ? extends V> remapping) {
            return view.merge(key, value, remapping);
        }

        @Override
        public void replaceAll(BiFunction<? super K, ? super V, ? extends V> function) {
            view.replaceAll(function);
        }

        @Override
        public boolean equals(Object other) {
            return view.equals(other);
        }

        @Override
        public int hashCode() {
            return view.hashCode();
        }
    }

    /** One survey answer: when, which interaction (its key), and the score. */
    public record Answer(Instant at, String key, int value) {}

    /**
     * One ticket's lifecycle as min/max times, so the order events arrive in does not matter. It is open
     * when it was opened and not solved since its last opening. {@code solves}: the times it was solved,
     * ascending, the latest {@value #SOLVES_KEPT} (a moment of truth asks whether any solving came shortly
     * before an answer, whichever arrived first); a tally stored before it was kept reads as the last one.
     */
    public record Ticket(Instant firstOpenedAt, Instant lastOpenedAt, Instant firstReplyAt, Instant lastSolvedAt,
            boolean complaint, java.util.List<Instant> solves) {

        public static final int SOLVES_KEPT = 16;

        public Ticket {
            if (solves == null) {
                solves = lastSolvedAt == null ? java.util.List.of() : java.util.List.of(lastSolvedAt);
            } else {
                solves = java.util.List.copyOf(solves);
            }
        }

        public Ticket(Instant firstOpenedAt, Instant lastOpenedAt, Instant firstReplyAt, Instant lastSolvedAt,
                boolean complaint) {
            this(firstOpenedAt, lastOpenedAt, firstReplyAt, lastSolvedAt, complaint, null);
        }

        /** This ticket solved once more at {@code at}: the same whatever order the solves arrive in. */
        public Ticket solved(Instant at) {
            java.util.TreeSet<Instant> all = new java.util.TreeSet<>(solves);
            all.add(at);
            while (all.size() > SOLVES_KEPT) {
                all.pollFirst();
            }
            Instant last = lastSolvedAt == null || at.isAfter(lastSolvedAt) ? at : lastSolvedAt;
            return new Ticket(firstOpenedAt, lastOpenedAt, firstReplyAt, last, complaint, java.util.List.copyOf(all));
        }

        /** True when it was solved at some time in {@code [from, to]}. */
        public boolean solvedBetween(Instant from, Instant to) {
            for (Instant s : solves) {
                if (!s.isBefore(from) && !s.isAfter(to)) {
                    return true;
                }
            }
            return false;
        }

        public boolean opened() {
            return firstOpenedAt != null;
        }

        /**
         * Opened and not solved since its last opening. A ticket opened once and solved is solved even when the
         * solve is dated before the opening (a date-only solve time, another system's clock): only a reopening
         * after a solve opens it again.
         */
        public boolean open() {
            return opened() && (lastSolvedAt == null
                    || (lastOpenedAt.isAfter(lastSolvedAt) && lastOpenedAt.isAfter(firstOpenedAt)));
        }
    }
}
