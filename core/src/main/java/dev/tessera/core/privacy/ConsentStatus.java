package dev.tessera.core.privacy;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** Whether a person agreed to a purpose on a channel. */
public enum ConsentStatus {
    GRANTED, WITHDRAWN;

    private static final Set<String> GRANTED_WORDS = Set.of("granted", "yes", "true", "1", "opt-in", "opt_in",
            "opted_in", "subscribed");
    private static final Set<String> WITHDRAWN_WORDS = Set.of("withdrawn", "no", "false", "0", "opt-out", "opt_out",
            "opted_out", "unsubscribed", "not_subscribed", "denied");

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Exactly {@code granted} or {@code withdrawn} (the API's words); empty for anything else. */
    public static Optional<ConsentStatus> of(String code) {
        return "granted".equals(code) ? Optional.of(GRANTED)
                : "withdrawn".equals(code) ? Optional.of(WITHDRAWN) : Optional.empty();
    }

    /**
     * What a source's value means, case-insensitively: {@code granted}, yes, true, 1, opt-in, subscribed →
     * granted; {@code withdrawn}, no, false, 0, opt-out, unsubscribed, not_subscribed, denied → withdrawn;
     * anything else (pending double opt-in, redacted, blank) says nothing.
     */
    public static Optional<ConsentStatus> fromSource(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String v = value.strip().toLowerCase(Locale.ROOT);
        return GRANTED_WORDS.contains(v) ? Optional.of(GRANTED)
                : WITHDRAWN_WORDS.contains(v) ? Optional.of(WITHDRAWN) : Optional.empty();
    }
}
