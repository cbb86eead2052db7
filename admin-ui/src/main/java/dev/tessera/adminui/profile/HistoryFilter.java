package dev.tessera.adminui.profile;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What an agent narrows a customer's CX history to on the profile page: groups of interaction kinds an
 * agent thinks in ("support tickets" rather than opened / replied / solved), each sent to the profile
 * service as the kinds it stands for.
 */
public enum HistoryFilter {
    ALL("Everything"),
    ORDERS("Orders and returns", "order", "return"),
    SUPPORT("Support tickets", "ticket_opened", "ticket_replied", "ticket_solved"),
    SURVEYS("Survey answers", "survey_response"),
    CRM("CRM activity", "crm_activity"),
    CONSENT("Consent changes", "consent_change"),
    IDENTITY("Merges and splits", "profile_merged", "profile_split"),
    OTHER("Other events", "custom");

    private final String label;
    private final List<String> kinds;

    HistoryFilter(String label, String... kinds) {
        this.label = label;
        this.kinds = List.of(kinds);
    }

    /** For display. */
    public String label() {
        return label;
    }

    /** The parameter value: {@code support}, {@code orders}, ... */
    public String param() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The interaction kinds to ask for; empty for all. */
    List<String> kinds() {
        return kinds;
    }

    /** The filter a parameter names; empty for anything else (the page says so and shows everything). */
    static Optional<HistoryFilter> of(String param) {
        if (param == null || param.isBlank()) {
            return Optional.of(ALL);
        }
        for (HistoryFilter filter : values()) {
            if (filter.param().equals(param.strip())) {
                return Optional.of(filter);
            }
        }
        return Optional.empty();
    }
}
