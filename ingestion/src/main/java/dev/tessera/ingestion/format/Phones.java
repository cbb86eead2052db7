package dev.tessera.ingestion.format;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import dev.tessera.core.normalize.Identifiers;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Core's normalisers per phone region: a shop address says which country its phone number is in, which
 * beats the configured default.
 */
final class Phones {

    private final String defaultRegion;
    private final Map<String, Identifiers> byRegion = new ConcurrentHashMap<>();

    Phones(String defaultRegion) {
        this.defaultRegion = defaultRegion.toUpperCase(Locale.ROOT);
        identifiers(null);
    }

    /**
     * Identifiers reading phone numbers in this region (an ISO 3166 code or a country's name, "Germany"),
     * or the default for a missing or unknown one.
     */
    Identifiers identifiers(String region) {
        String code = region == null ? defaultRegion
                : dev.tessera.core.identity.match.Countries.isoCode(region).orElse(region.strip().toUpperCase(Locale.ROOT));
        if (!PhoneNumberUtil.getInstance().getSupportedRegions().contains(code)) {
            code = defaultRegion;
        }
        return byRegion.computeIfAbsent(code, Identifiers::new);
    }
}
