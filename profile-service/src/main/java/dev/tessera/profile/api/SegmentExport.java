package dev.tessera.profile.api;

import dev.tessera.core.cx.CxStore;
import dev.tessera.core.model.GoldenValue;
import dev.tessera.core.model.Identifier;
import dev.tessera.core.model.Profile;
import dev.tessera.core.privacy.ConsentChannel;
import dev.tessera.core.privacy.ConsentEntry;
import dev.tessera.core.privacy.ConsentState;
import dev.tessera.core.segment.Segment;
import dev.tessera.core.segment.SegmentStore;
import dev.tessera.core.store.ProfileStore;
import dev.tessera.profile.segment.SegmentService;
import dev.tessera.profile.system.ProfileServiceProperties;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Component;

/**
 * Writes a segment's members as CSV for campaigns: checked before the first byte (fields the caller may
 * see, consent purpose for contact data), streamed page by page from a Redis copy of the member list
 * taken when the export starts (so memory does not grow with the segment), audited once per export with
 * the field names and the row count. At most {@code tessera.segments.exports-at-once} run at a time per
 * instance. Cells that a spreadsheet would run as a formula are prefixed with {@code '}.
 */
@Component
class SegmentExport {

    static final int MAX_FIELDS = 30;
    private static final Pattern FIELD = Pattern.compile("[a-z][a-z0-9_]{0,63}");
    private static final Set<String> CONTACT = Set.of("email", "phone");
    private static final Set<String> IDENTIFIERS = Set.of("email", "phone", "external_id");
    private static final int PAGE = 500;
    /** A phone number in E.164 form starts with + but cannot run as a formula: kept as it is. */
    private static final Pattern E164 = Pattern.compile("\\+[0-9]{6,15}");
    static final String ACTION = "segment.export";
    /** Recorded before an export sends anything; {@link #ACTION}, with the row count, when it ends. */
    static final String STARTED = "segment.export-started";
    /** How long a member snapshot outlives its last page read (an export stopped mid-way leaves it that long). */
    static final java.time.Duration SNAPSHOT_TTL = java.time.Duration.ofMinutes(30);
    /** What a refused export is told to wait: a large export runs for minutes. */
    static final long RETRY_AFTER_SECONDS = 60;

    private final SegmentStore segments;
    private final ProfileStore profiles;
    private final CxStore cx;
    private final PersonalData personalData;
    private final ReadAudit audit;
    private final Semaphore running;

    SegmentExport(SegmentService service, ProfileStore profiles, CxStore cx, PersonalData personalData,
            ReadAudit audit, ProfileServiceProperties properties) {
        this.segments = service.store();
        this.profiles = profiles;
        this.cx = cx;
        this.personalData = personalData;
        this.audit = audit;
        this.running = new Semaphore(properties.segments().exportsAtOnce());
    }

    /** A checked export request. */
    record Request(Segment segment, List<String> fields, String purpose, ConsentChannel channel,
            Authentication caller) {}

    /**
     * Takes one of the instance's export places, or answers 429: call before the response starts and hand
     * the place to {@link #write}, which gives it back when the export ends however it ends.
     */
    Place place() {
        if (!running.tryAcquire()) {
            throw new ApiProblem.RateLimited(RETRY_AFTER_SECONDS);
        }
        return new Place();
    }

    /** One running export's place; given back once. */
    final class Place implements AutoCloseable {
        private final java.util.concurrent.atomic.AtomicBoolean held = new java.util.concurrent.atomic.AtomicBoolean(true);

        @Override
        public void close() {
            if (held.compareAndSet(true, false)) {
                running.release();
            }
        }
    }

    Request request(Segment segment, String fieldList, String purpose, String channel, Authentication caller) {
        Set<String> fields = new LinkedHashSet<>();
        for (String f : fieldList.split(",")) {
            String field = f.strip();
            if (field.isEmpty()) {
                continue;
            }
            if (!FIELD.matcher(field).matches()) {
                throw new ApiProblem.InvalidParameter("fields", "must be attribute names or email, phone, external_id, "
                        + "separated by commas");
            }
            if (!personalData.shows(field, caller)) {
                throw new ApiProblem.InvalidParameter("fields", "names a field your role does not see in clear ("
                        + field + "); see tessera.privacy.marketer.visible-fields");
            }
            fields.add(field);
        }
        if (fields.size() > MAX_FIELDS) {
            throw new ApiProblem.InvalidParameter("fields", "must name at most " + MAX_FIELDS + " fields");
        }
        if (purpose == null && fields.stream().anyMatch(CONTACT::contains)) {
            throw new ApiProblem.InvalidParameter("purpose", "is required when exporting email or phone: only "
                    + "members whose consent allows the purpose are exported");
        }
        if (purpose != null && !ConsentEntry.isValidPurpose(purpose)) {
            throw new ApiProblem.InvalidParameter("purpose", "must match " + ConsentEntry.PURPOSE_PATTERN);
        }
        ConsentChannel consentChannel = ConsentChannel.of(channel.toLowerCase(Locale.ROOT)).orElseThrow(() ->
                new ApiProblem.InvalidParameter("channel", "must be one of email, sms, phone, post, web, push, any"));
        if (consentChannel == ConsentChannel.ANY && fields.stream().anyMatch(CONTACT::contains)) {
            // "any" considers only statements made for any channel: a withdrawal for email alone would not count
            throw new ApiProblem.InvalidParameter("channel", "must name the channel the contact data is for (email, "
                    + "sms, phone, ...) when exporting email or phone");
        }
        // consent is read for the channel named, so the contact data must be for that channel: a phone number
        // exported under email consent would reach someone who withdrew marketing by SMS
        if (fields.contains("email") && fields.contains("phone")) {
            throw new ApiProblem.InvalidParameter("fields", "must not hold both email and phone: consent is per "
                    + "channel, export each with its own channel");
        }
        if (fields.contains("email") && consentChannel != ConsentChannel.EMAIL) {
            throw new ApiProblem.InvalidParameter("channel", "must be email when exporting email");
        }
        if (fields.contains("phone") && consentChannel != ConsentChannel.SMS && consentChannel != ConsentChannel.PHONE) {
            throw new ApiProblem.InvalidParameter("channel", "must be sms or phone when exporting phone");
        }
        return new Request(segment, List.copyOf(fields), purpose, consentChannel, caller);
    }

    void write(Request request, Place place, OutputStream out) throws IOException {
        try (place) {
            write(request, out);
        }
    }

    private void write(Request request, OutputStream out) throws IOException {
        // written before the first byte leaves: an export whose audit entry cannot be written sends nothing, and
        // one cut short (the process stopped, the client gone) is still on record
        audit.record(request.caller(), STARTED, "", request.fields(), "GET /api/v1/segments/{id}/export segment="
                + request.segment().id() + (request.purpose() == null ? "" : " purpose=" + request.purpose()
                        + " channel=" + request.channel().code()));
        long rows = 0;
        long withoutConsent = 0;
        Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
        // the members as they are now, copied in Redis: paging the live set by rank while members come and go
        // would skip some, and reading it whole into memory grows with the segment
        try (SegmentStore.Snapshot members = segments.snapshot(request.segment().id(), SNAPSHOT_TTL)) {
            List<String> header = new ArrayList<>(List.of("profile_id", "joined_at"));
            header.addAll(request.fields());
            line(writer, header);
            for (long from = 0; from < members.size(); from += PAGE) {
                List<SegmentStore.Member> page = members.page(from, PAGE);
                // one round trip per page: every profile and its consent asked for together
                List<Supplier<Optional<Profile>>> found = new ArrayList<>();
                List<Supplier<List<ConsentEntry>>> consents = new ArrayList<>();
                List<Supplier<Boolean>> stillIn = new ArrayList<>();
                for (SegmentStore.Member m : page) {
                    found.add(profiles.findLiveLater(m.profile()));
                    consents.add(request.purpose() == null ? List::of : cx.consent().storedLater(m.profile()));
                    stillIn.add(segments.isMemberLater(request.segment().id(), m.profile()));
                }
                for (int k = 0; k < page.size(); k++) {
                    SegmentStore.Member m = page.get(k);
                    Optional<Profile> profile = found.get(k).get();
                    if (profile.isEmpty() || !stillIn.get(k).get()) {
                        // left meanwhile (no longer matches, merged away, erased): not written, though its
                        // place in the copy keeps the pages of the others where they were
                        continue;
                    }
                    if (request.purpose() != null && !new ConsentState(consents.get(k).get())
                            .allows(request.purpose(), request.channel())) {
                        withoutConsent++;
                        continue;
                    }
                    List<String> cells = new ArrayList<>(List.of(m.profile().value(), m.joinedAt().toString()));
                    request.fields().forEach(f -> cells.add(value(profile.get(), f)));
                    line(writer, cells);
                    rows++;
                }
            }
            writer.flush();
        } finally {
            // also when the download was cancelled (the thread interrupted): the record of what left is kept
            boolean interrupted = Thread.interrupted();
            try {
                audit.record(request.caller(), ACTION, "", request.fields(), "GET /api/v1/segments/{id}/export segment="
                        + request.segment().id() + " rows=" + rows
                        + (request.purpose() == null ? "" : " purpose=" + request.purpose() + " channel="
                                + request.channel().code() + " left-out-without-consent=" + withoutConsent));
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** Email, phone and external ids from the identifiers (normalised, all of them); others from the golden record. */
    private static String value(Profile profile, String field) {
        if (IDENTIFIERS.contains(field)) {
            String ids = profile.identifiers().stream().filter(i -> i.type().code().equals(field))
                    .map(Identifier::value).collect(Collectors.joining(" "));
            if (!ids.isEmpty()) {
                return ids;
            }
        }
        GoldenValue golden = profile.golden().get(field);
        return golden == null ? "" : golden.value();
    }

    private static void line(Writer writer, List<String> cells) throws IOException {
        writer.write(cells.stream().map(SegmentExport::cell).collect(Collectors.joining(",")));
        writer.write("\r\n");
    }

    /** RFC 4180 quoting, and a leading {@code '} where a spreadsheet would start a formula. */
    static String cell(String value) {
        String v = value == null ? "" : value;
        if (!v.isEmpty() && "=+-@\t\r".indexOf(v.charAt(0)) >= 0 && !E164.matcher(v).matches()) {
            v = "'" + v;
        }
        if (v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r")) {
            v = "\"" + v.replace("\"", "\"\"") + "\"";
        }
        return v;
    }
}
