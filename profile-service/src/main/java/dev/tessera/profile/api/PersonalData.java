package dev.tessera.profile.api;

import dev.tessera.core.model.Attributes;
import dev.tessera.core.model.IdentifierType;
import dev.tessera.profile.system.ProfileServiceProperties;
import dev.tessera.security.Roles;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.stereotype.Component;

/**
 * What a caller sees of a profile's personal data, and which fields an answer showed (for the audit).
 * Agents and admins serve customers and see everything; anyone else (marketers) sees in clear only the
 * fields {@code tessera.privacy.marketer.visible-fields} lists, every other value masked: emails as
 * {@code j***@e***.com}, phones as their last two digits, names as an initial, anything else as
 * {@code ***}. Source record ids are personal data too (a CRM keyed by email, a Segment user id): they are
 * shown as a pseudonym ({@code crm:~3f9a…}, the same for one id within this process, not reversible)
 * unless {@value #SOURCE_ID} is listed. Field names, sources and times of the lineage stay visible; the
 * per-profile CX metrics (one known person's orders, answers, complaints) are left out, as on their own
 * endpoint, which is agent and admin only.
 */
@Component
class PersonalData {

    static final String HIDDEN = "***";
    /** The visible-fields entry that shows marketers source record ids in clear (and lets them look one up). */
    static final String SOURCE_ID = "source_id";
    private static final Set<String> NAMES = Set.of(Attributes.FIRST_NAME, Attributes.LAST_NAME, "middle_name",
            "full_name", "name");
    private static final Set<String> FULL_VIEW = Set.of("ROLE_" + Roles.AGENT, "ROLE_" + Roles.ADMIN);

    private final Set<String> visible;
    /** Key of this process's record-id pseudonyms: random, so a pseudonym cannot be checked against a guess. */
    private final javax.crypto.spec.SecretKeySpec pseudonymKey;

    @org.springframework.beans.factory.annotation.Autowired
    PersonalData(ProfileServiceProperties properties) {
        this(properties.privacy().marketer().visibleFields());
    }

    PersonalData(java.util.Collection<String> visibleFields) {
        this.visible = Set.copyOf(visibleFields);
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        this.pseudonymKey = new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256");
    }

    /** True when this caller sees personal data in clear. */
    boolean fullView(Authentication caller) {
        return caller != null && caller.getAuthorities().stream().map(GrantedAuthority::getAuthority)
                .anyMatch(FULL_VIEW::contains);
    }

    /** True when this caller sees this field (attribute name or identifier type) in clear. */
    boolean shows(String field, Authentication caller) {
        return fullView(caller) || visible.contains(field);
    }

    ProfileView apply(ProfileView view, Authentication caller) {
        if (fullView(caller)) {
            return view;
        }
        return new ProfileView(view.id(), maskAttributes(view.attributes()), maskIdentifiers(view.identifiers()),
                maskRecords(view.records()), view.createdAt(), view.updatedAt());
    }

    ProfileDetailView apply(ProfileDetailView view, Authentication caller) {
        if (fullView(caller)) {
            return view;
        }
        return new ProfileDetailView(view.id(), view.requestedId(), maskAttributes(view.attributes()),
                maskIdentifiers(view.identifiers()), maskRecords(view.records()),
                view.sourceRecords().stream().map(this::mask).toList(), null, view.segments(), view.createdAt(),
                view.updatedAt(), true);
    }

    /** A source record id as this caller may see it: in clear, or {@code source:~pseudonym}. */
    String recordKey(String key, Authentication caller) {
        return fullView(caller) ? key : maskRecordKey(key);
    }

    private List<ProfileView.RecordRef> maskRecords(List<ProfileView.RecordRef> records) {
        return records.stream().map(r -> new ProfileView.RecordRef(r.source(), pseudonym(r.sourceId()), r.claimed())).toList();
    }

    private String maskRecordKey(String key) {
        if (key == null || visible.contains(SOURCE_ID)) {
            return key;
        }
        int colon = key.indexOf(':');
        return colon < 0 ? pseudonym(key) : key.substring(0, colon + 1) + pseudonym(key.substring(colon + 1));
    }

    private String pseudonym(String sourceId) {
        if (sourceId == null || visible.contains(SOURCE_ID)) {
            return sourceId;
        }
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(pseudonymKey);
            byte[] digest = mac.doFinal(sourceId.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return "~" + java.util.HexFormat.of().formatHex(digest, 0, 8);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** Names of the personal-data fields shown in clear: golden and record attributes, identifier types. */
    List<String> fieldsShown(ProfileView view, Authentication caller) {
        Set<String> fields = new TreeSet<>(view.attributes().keySet());
        view.identifiers().forEach(i -> fields.add(i.type()));
        return shown(fields, caller);
    }

    List<String> fieldsShown(ProfileDetailView view, Authentication caller) {
        Set<String> fields = new TreeSet<>(view.attributes().keySet());
        view.identifiers().forEach(i -> fields.add(i.type()));
        view.sourceRecords().forEach(r -> {
            fields.addAll(r.attributes().keySet());
            r.identifiers().forEach(i -> fields.add(i.type()));
        });
        return shown(fields, caller);
    }

    private List<String> shown(Set<String> fields, Authentication caller) {
        return fields.stream().filter(f -> fullView(caller) || visible.contains(f)).toList();
    }

    private ProfileDetailView.SourceRecordView mask(ProfileDetailView.SourceRecordView record) {
        Map<String, String> attributes = new LinkedHashMap<>();
        record.attributes().forEach((name, value) -> attributes.put(name, mask(name, value)));
        return new ProfileDetailView.SourceRecordView(maskRecordKey(record.key()), record.source(), pseudonym(record.sourceId()),
                record.observedAt(), attributes, maskIdentifiers(record.identifiers()), record.linkedBy(),
                record.linkedAt(), record.claimed());
    }

    private Map<String, ProfileView.AttributeView> maskAttributes(Map<String, ProfileView.AttributeView> attributes) {
        Map<String, ProfileView.AttributeView> masked = new LinkedHashMap<>();
        attributes.forEach((name, a) -> masked.put(name,
                new ProfileView.AttributeView(mask(name, a.value()), a.source(), maskRecordKey(a.sourceRecordId()),
                        a.observedAt(), a.claimed())));
        return masked;
    }

    private List<ProfileView.IdentifierView> maskIdentifiers(List<ProfileView.IdentifierView> identifiers) {
        return identifiers.stream().map(i -> new ProfileView.IdentifierView(i.type(), mask(i.type(), i.value()), i.claimed()))
                .toList();
    }

    private String mask(String field, String value) {
        if (value == null || visible.contains(field)) {
            return value;
        }
        if (field.equals(IdentifierType.EMAIL.code()) || field.endsWith("email")) {
            return email(value);
        }
        if (field.equals(IdentifierType.PHONE.code()) || field.endsWith("phone") || field.equals("mobile")) {
            return phone(value);
        }
        if (NAMES.contains(field)) {
            return initial(value);
        }
        return HIDDEN;
    }

    /** {@code jane.doe@example.com} → {@code j***@e***.com}; anything not shaped like an email → {@code ***}. */
    static String email(String value) {
        String v = value.strip();
        int at = v.lastIndexOf('@');
        int dot = v.lastIndexOf('.');
        if (at < 1 || dot < at + 2 || dot == v.length() - 1) {
            return HIDDEN;
        }
        return v.charAt(0) + HIDDEN + "@" + v.charAt(at + 1) + HIDDEN + v.substring(dot).toLowerCase(Locale.ROOT);
    }

    /** The last two digits of the number only: {@code +442079460958} → {@code ***58}, no extension. */
    static String phone(String value) {
        String digits = dev.tessera.core.normalize.PhoneNormalizer.withoutExtension(value).replaceAll("[^0-9]", "");
        return digits.length() < 6 ? HIDDEN : HIDDEN + digits.substring(digits.length() - 2);
    }

    /** {@code Jane} → {@code J.} */
    static String initial(String value) {
        String v = value.strip();
        return v.isEmpty() ? HIDDEN : v.substring(0, v.offsetByCodePoints(0, 1)).toUpperCase(Locale.ROOT) + ".";
    }
}
