package dev.tessera.core.privacy;

import dev.tessera.core.deadletter.DeadLetter;
import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.Identifier;
import dev.tessera.core.model.IdentifierType;
import dev.tessera.core.normalize.EmailNormalizer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recognises a person's data in a raw payload kept as a dead letter (a rejected CSV row, a webhook body),
 * so that an erasure can remove it: one of the person's emails (compared normalised, so case and the
 * usual spellings do not matter), one of their phones as usually written (the last nine digits of the
 * number within a run of digits; "07700 900123" and "+44 7700 900123" both hold "+447700900123"), or one
 * of their source record ids in a dead letter about that record's source: one that says so
 * ({@link DeadLetter#recordSource()}, which covers sources with their own {@code record-namespace}), or,
 * for an older one that does not, one on a route noted for that source
 * ({@code DeadLetterStore.recordSources()}) or on the route {@code source-NAME} of the source of that name.
 * Where the letter says which record it was about ({@link DeadLetter#sourceId()}: a CSV row's id column),
 * that id is compared and nothing else, so another customer's row that mentions the id (an order number,
 * a reference) stays; elsewhere the id is looked for as a whole word, except ids that are short or all
 * digits under six (a year, a quantity), which would match other people's data. Pure and thread-safe.
 */
final class PersonInPayload implements Predicate<DeadLetter> {

    /** Digits compared at the end of a phone number: enough to be specific, few enough to skip prefixes. */
    static final int PHONE_DIGITS = 9;

    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}");
    /**
     * Also whole tokens of what {@link EmailNormalizer} takes as a local part ({@code müller@…},
     * {@code jane&bob@…}): the ASCII pattern above finds only their tail ({@code ller@…}), which is not her
     * address. Tokens start and end at what a local part cannot hold (quotes, commas, spaces), so a tail is
     * never taken for a shorter address of someone else; starting only there, and taking the run whole
     * (possessive), keeps a long run without a separator (base64 in a payload) from being rescanned from each
     * of its characters, which made an erasure take minutes per dead letter.
     */
    private static final Pattern EMAIL_TOKEN = Pattern.compile(
            "(?<![^\\s@<>()\\[\\],;:\"])[^\\s@<>()\\[\\],;:\"]++@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}");
    /** A run of digits as numbers are written: optional +, digits, spaces, dots, dashes, parentheses. */
    private static final Pattern NUMBER = Pattern.compile("\\+?\\(?\\d[\\d .()-]*\\d");
    private static final EmailNormalizer EMAILS = new EmailNormalizer();

    private final Set<String> emails = new LinkedHashSet<>();
    private final Set<String> phoneEndings = new LinkedHashSet<>();
    private final List<SourceId> sourceIds = new ArrayList<>();

    private record SourceId(String recordSource, String sourceId, Pattern token) {}

    /** Route to the source of the records it is about; a route not in it is {@code source-NAME} of NAME. */
    private final Map<String, String> recordSources;

    PersonInPayload(List<CustomerRecord> records) {
        this(records, Map.of());
    }

    PersonInPayload(List<CustomerRecord> records, Map<String, String> recordSources) {
        this.recordSources = Map.copyOf(recordSources);
        for (CustomerRecord record : records) {
            for (Identifier identifier : record.identifiers()) {
                if (identifier.type() == IdentifierType.EMAIL) {
                    emails.add(identifier.value());
                } else if (identifier.type() == IdentifierType.PHONE) {
                    String digits = dev.tessera.core.normalize.PhoneNormalizer.withoutExtension(identifier.value())
                            .replaceAll("\\D", "");
                    if (digits.length() >= PHONE_DIGITS) {
                        phoneEndings.add(digits.substring(digits.length() - PHONE_DIGITS));
                    }
                }
            }
            String id = record.id().sourceId();
            // a word search for short ids would match other people's dates and amounts: only where the
            // letter says which record it was about (below) are they compared
            boolean searchable = id.length() >= 3 && (id.length() >= 6 || !id.chars().allMatch(Character::isDigit));
            sourceIds.add(new SourceId(record.id().source(), id, searchable
                    ? Pattern.compile("(?<![\\p{L}\\p{N}])" + Pattern.quote(id) + "(?![\\p{L}\\p{N}])") : null));
        }
    }

    /** True when nothing could be looked for (no emails, phones or source ids). */
    boolean isEmpty() {
        return emails.isEmpty() && phoneEndings.isEmpty() && sourceIds.isEmpty();
    }

    /**
     * Whether a dead letter's payload is about records of {@code recordSource}: what the letter says when it
     * says (it was kept after its route was named); else what was noted for its route, or the route being
     * {@code source-NAME} of that source (either: a source that took a record-namespace later kept older
     * letters about records under its own name).
     */
    private boolean isAbout(DeadLetter letter, String recordSource) {
        if (letter.recordSource() != null) {
            return letter.recordSource().equals(recordSource);
        }
        return recordSource.equals(recordSources.get(letter.route())) || letter.route().equals("source-" + recordSource);
    }

    @Override
    public boolean test(DeadLetter letter) {
        // the headers kept for its replay (a requester id, say) are searched with the payload
        String payload = letter.headers().isEmpty() ? letter.payload()
                : letter.payload() + "\n" + String.join("\n", letter.headers().values());
        if (payload == null || payload.isEmpty()) {
            return false;
        }
        if (!emails.isEmpty() && payload.indexOf('@') >= 0) {
            for (Pattern pattern : List.of(EMAIL, EMAIL_TOKEN)) {
                Matcher m = pattern.matcher(payload);
                while (m.find()) {
                    if (EMAILS.normalize(m.group()).map(emails::contains).orElse(false)) {
                        return true;
                    }
                }
            }
        }
        if (!phoneEndings.isEmpty()) {
            Matcher m = NUMBER.matcher(payload);
            while (m.find()) {
                String digits = m.group().replaceAll("\\D", "");
                for (String ending : phoneEndings) {
                    if (digits.contains(ending)) { // also where two numbers were written as one run
                        return true;
                    }
                }
            }
        }
        for (SourceId id : sourceIds) {
            if (!isAbout(letter, id.recordSource())) {
                continue;
            }
            if (letter.sourceId() != null) {
                // the route said which record the item was about: that id, and no other row's mention of it
                if (letter.sourceId().equals(id.sourceId())) {
                    return true;
                }
            } else if (id.token() != null && id.token().matcher(payload).find()) {
                return true;
            }
        }
        return false;
    }
}
