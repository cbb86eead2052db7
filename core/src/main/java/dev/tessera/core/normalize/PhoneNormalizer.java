package dev.tessera.core.normalize;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Normalises phone numbers to E.164 with Google's libphonenumber. Numbers without a country prefix are
 * read in the configured default region.
 */
public final class PhoneNormalizer {

    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();

    private final String defaultRegion;

    public PhoneNormalizer(String defaultRegion) {
        Objects.requireNonNull(defaultRegion, "default region");
        String region = defaultRegion.toUpperCase(Locale.ROOT);
        if (!UTIL.getSupportedRegions().contains(region)) {
            throw new IllegalArgumentException("unknown phone region '" + defaultRegion + "' (use an ISO 3166 code such as GB or US)");
        }
        this.defaultRegion = region;
    }

    public String defaultRegion() {
        return defaultRegion;
    }

    public Optional<String> normalize(String raw) {
        if (raw == null || raw.isBlank() || raw.length() > 64) {
            return Optional.empty();
        }
        String value = raw.strip();
        if (value.startsWith("00")) {
            value = "+" + value.substring(2);
        }
        try {
            PhoneNumber number = UTIL.parse(value, defaultRegion);
            // "Possible" rather than "valid": real CRMs hold numbers from ranges libphonenumber's metadata
            // does not list yet, and rejecting them would split profiles.
            if (!UTIL.isPossibleNumber(number)) {
                return Optional.empty();
            }
            return Optional.of(UTIL.format(number, PhoneNumberUtil.PhoneNumberFormat.E164));
        } catch (NumberParseException e) {
            return Optional.empty();
        }
    }
}
