package dev.tessera.ingestion.format;

import static dev.tessera.ingestion.format.PayloadRejectedException.Reason.INVALID_VALUE;

import dev.tessera.core.model.Attributes;
import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.Identifier;
import dev.tessera.core.model.SourceRecordId;
import dev.tessera.core.normalize.CountryCodes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Collects what a payload says about one person into a {@link CustomerRecord}. Like the CSV mapping, an
 * email or phone that does not normalise is kept as the attribute but links nothing; the first value of a
 * kind wins the attribute.
 */
final class Person {

    private final SourceRecordId id;
    private final Instant observedAt;
    private final Phones phones;
    private final List<Identifier> identifiers = new ArrayList<>();
    private final Map<String, String> attributes = new LinkedHashMap<>();

    Person(SourceRecordId id, Instant observedAt, Phones phones) {
        this.id = id;
        this.observedAt = observedAt;
        this.phones = phones;
    }

    static SourceRecordId recordId(String source, String sourceId, String field) {
        try {
            return new SourceRecordId(source, sourceId);
        } catch (IllegalArgumentException e) {
            throw new PayloadRejectedException(INVALID_VALUE, "'" + field + "' is not a usable source id: " + e.getMessage());
        }
    }

    SourceRecordId id() {
        return id;
    }

    Person email(Optional<String> raw) {
        raw.ifPresent(value -> {
            Optional<Identifier> email = phones.identifiers().email(value);
            email.ifPresent(identifiers::add);
            attributes.putIfAbsent(Attributes.EMAIL, email.map(Identifier::value).orElse(value));
        });
        return this;
    }

    /** A phone number read in the given region (e.g. the address's country), or the default region. */
    Person phone(Optional<String> raw, Optional<String> region) {
        raw.ifPresent(value -> {
            Optional<Identifier> phone = phones.identifiers().phone(value, region.orElse(null));
            phone.ifPresent(identifiers::add);
            attributes.putIfAbsent(Attributes.PHONE, phone.map(Identifier::value).orElse(value));
        });
        return this;
    }

    Person external(String namespace, Optional<String> raw) {
        raw.flatMap(value -> phones.identifiers().external(namespace, value)).ifPresent(identifiers::add);
        return this;
    }

    Person attribute(String name, Optional<String> value) {
        value.filter(v -> !v.isBlank()).ifPresent(v -> attributes.putIfAbsent(name,
                Attributes.COUNTRY.equals(name) ? CountryCodes.normalize(v) : v.strip()));
        return this;
    }

    /** A display name as one string: kept as {@code name}, and split at the first space into first and last. */
    Person fullName(Optional<String> value) {
        value.map(String::strip).filter(v -> !v.isEmpty()).ifPresent(name -> {
            attributes.putIfAbsent("name", name);
            int space = name.indexOf(' ');
            if (space < 0) {
                attributes.putIfAbsent(Attributes.FIRST_NAME, name);
            } else {
                attributes.putIfAbsent(Attributes.FIRST_NAME, name.substring(0, space));
                attributes.putIfAbsent(Attributes.LAST_NAME, name.substring(space + 1).strip());
            }
        });
        return this;
    }

    boolean hasIdentifiers() {
        return !identifiers.isEmpty();
    }

    CustomerRecord record() {
        return new CustomerRecord(id, observedAt, identifiers, attributes);
    }
}
