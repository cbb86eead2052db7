package dev.tessera.core.cx;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A "moment of truth": something that decides loyalty and deserves an alert. Fired moments go to the
 * change feed with change type {@code moment} and the rule's name, at most once per rule and trigger.
 */
public sealed interface MomentRule {

    Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]{0,63}");

    /** Name on the change feed: 1-64 characters of {@code [a-z0-9_-]}, never data about the person. */
    String name();

    private static String checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("moment rule name must be 1-64 characters of [a-z0-9_-]");
        }
        return name;
    }

    private static Duration checkPositive(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive");
        }
        return d;
    }

    /**
     * A detractor NPS answer ({@code 0-6}) given within {@code within} after one of the profile's tickets
     * was solved: the fix did not win the customer back. Evaluated on append, whichever of the two arrives
     * last; one moment per detractor answer.
     */
    record DetractorAfterSolved(String name, Duration within) implements MomentRule {
        public DetractorAfterSolved {
            checkName(name);
            checkPositive(within, "within");
        }
    }

    /**
     * A complaint still open {@code sla} after it was opened. Found by {@link CxStore#checkOverdue}, which a
     * scheduler calls; one moment per complaint ticket.
     */
    record ComplaintOverdue(String name, Duration sla) implements MomentRule {
        public ComplaintOverdue {
            checkName(name);
            checkPositive(sla, "sla");
        }
    }
}
