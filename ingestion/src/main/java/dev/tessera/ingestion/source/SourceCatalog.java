package dev.tessera.ingestion.source;

import dev.tessera.ingestion.format.FormatOptions;
import dev.tessera.ingestion.format.VendorFormat;
import dev.tessera.ingestion.format.VendorFormats;
import dev.tessera.ingestion.format.signature.HmacSignature;
import dev.tessera.ingestion.format.signature.ReplayWindow;
import dev.tessera.ingestion.format.signature.SegmentWriteKey;
import dev.tessera.ingestion.format.signature.ShopifySignature;
import dev.tessera.ingestion.format.signature.SignatureVerifier;
import dev.tessera.ingestion.format.signature.TypeformSignature;
import dev.tessera.ingestion.system.IngestionProperties;
import dev.tessera.ingestion.system.IngestionProperties.Kafka;
import dev.tessera.ingestion.system.IngestionProperties.KafkaSecurity;
import dev.tessera.ingestion.system.IngestionProperties.Signature;
import dev.tessera.ingestion.system.IngestionProperties.Source;
import dev.tessera.ingestion.system.IngestionProperties.Transport;
import dev.tessera.security.SecretReference;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The configured sources made runnable: each with its format (a built-in vendor format, or the generic
 * CSV mapping), for webhooks its signature check with the secret read from its reference, for Kafka its
 * SASL login read from its references. Checks what bean validation cannot: a format that exists, a
 * mapping where CSV needs one, a folder where files arrive, a topic where Kafka messages arrive, a secret
 * reference that resolves. Any problem stops start-up with a message naming the setting
 * ({@code tessera.sources[2].format: ...}); secrets never appear in messages.
 */
public final class SourceCatalog {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SourceCatalog.class);

    /**
     * A source ready to run. {@code format} is empty for CSV; {@code verifier} for folder and Kafka sources
     * (the broker authenticates producers); {@code kafkaLogin} is present for Kafka sources using SASL.
     */
    public record Ready(Source source, Optional<VendorFormat> format, Optional<SignatureVerifier> verifier,
            VendorFormats formats, Optional<SaslLogin> kafkaLogin, Optional<String> bearerToken) {

        /** The same source reading another of the built-in formats (the Segment API picks one per endpoint). */
        public Ready withFormat(String name) {
            return new Ready(source, Optional.of(formats.byName(name)), verifier, formats, kafkaLogin, bearerToken);
        }

        /** Names the source only: the generated form would print the poll token. */
        @Override
        public String toString() {
            return "Ready[" + source.name() + "]";
        }
    }

    /** SASL credentials read from their references; never printed. */
    public record SaslLogin(String username, String password) {
        @Override
        public String toString() {
            return "SaslLogin[(redacted)]";
        }
    }

    private final Map<String, Ready> byName = new LinkedHashMap<>();

    /** The configured Typeform fields and SurveyMonkey questions of a survey source, checked against their scales. */
    private static FormatOptions surveyOptions(FormatOptions options, IngestionProperties.Survey survey, String at) {
        Map<String, FormatOptions.ScoredQuestion> fields = new LinkedHashMap<>();
        survey.fields().forEach((ref, f) -> fields.put(ref, new FormatOptions.ScoredQuestion(f.type(), f.touchpoint())));
        Map<String, FormatOptions.Question> questions = new LinkedHashMap<>();
        survey.questions().forEach((id, q) -> {
            try {
                questions.put(id, new FormatOptions.Question(q.type(), q.choices(), q.touchpoint()));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(at + ".questions." + id + ".choices: " + e.getMessage());
            }
        });
        FormatOptions.SurveyMonkey surveyMonkey = options.surveyMonkey().withQuestions(questions);
        if (survey.respondentVariable() != null && !survey.respondentVariable().isBlank()) {
            surveyMonkey = surveyMonkey.withRespondentVariable(survey.respondentVariable());
        }
        return options.withTypeform(options.typeform().withFields(fields)).withSurveyMonkey(surveyMonkey);
    }

    public SourceCatalog(IngestionProperties properties, Clock clock, Function<String, String> environment) {
        List<Source> sources = properties.sources();
        Map<String, String> kafkaGroups = new LinkedHashMap<>();
        for (int i = 0; i < sources.size(); i++) {
            Source source = sources.get(i);
            String at = "tessera.sources[" + i + "]";
            if (byName.containsKey(source.name())) {
                throw new IllegalStateException(at + ".name: '" + source.name() + "' is used by two sources");
            }
            VendorFormats formats = new VendorFormats(surveyOptions(FormatOptions.defaults()
                    .withMaxPayloadBytes(source.maxPayloadBytes())
                    .withPhoneRegion(source.mapping() != null && source.mapping().phoneRegion() != null
                            ? source.mapping().phoneRegion() : properties.phoneDefaultRegion()),
                    source.survey(), at + ".survey"));
            Optional<VendorFormat> format = format(source, at, formats);
            if (source.transport() == Transport.FOLDER && source.folder() == null) {
                throw new IllegalStateException(at + ".folder.inbox: a folder source needs an inbox folder");
            }
            if (!source.webhook().allowedOrigins().isEmpty() && !(source.transport() == Transport.WEBHOOK
                    && IngestionProperties.SEGMENT_API.equals(source.format()))) {
                throw new IllegalStateException(at + ".webhook.allowed-origins: only the segment-api source is called "
                        + "from web pages; vendors' servers deliver the other webhooks");
            }
            Optional<SignatureVerifier> verifier = source.transport() == Transport.WEBHOOK
                    ? Optional.of(verifier(source.webhook().signature(), at + ".webhook.signature", clock, environment))
                    : Optional.empty();
            Optional<SaslLogin> kafkaLogin = source.transport() == Transport.KAFKA
                    ? kafkaLogin(source, at + ".kafka", kafkaGroups, environment)
                    : Optional.empty();
            Optional<String> token = Optional.empty();
            if (source.transport() == Transport.POLL) {
                if (source.poll() == null) {
                    throw new IllegalStateException(at + ".poll.url: a poll source needs the URL to fetch");
                }
                pollUrl(source.poll().url(), at + ".poll.url");
                cursor(source.poll(), at + ".poll");
                if (source.poll().bearerToken() != null) {
                    token = Optional.of(reference(source.poll().bearerToken(), at + ".poll.bearer-token", environment));
                }
            }
            byName.put(source.name(), new Ready(source, format, verifier, formats, kafkaLogin, token));
        }
        warnUnclaimed(sources, properties.identity().claimedSources());
    }

    /**
     * A poll URL the HTTP client takes: absolute http or https with a host (the client refuses
     * {@code https:host/path} or a host with '_' on every tick, with the whole URL, query and key included,
     * in the exception Camel logs). Said once at start-up, without echoing the URL.
     */
    static void pollUrl(String url, String at) {
        try {
            java.net.URI uri = java.net.URI.create(url);
            if (uri.getHost() == null || !("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))) {
                throw new IllegalArgumentException("no host");
            }
            java.net.http.HttpRequest.newBuilder(uri);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(at + ": not an absolute http or https URL with a host name (checked "
                    + "without printing it: it may carry a key)");
        }
    }

    /** Survey formats: the respondent's email usually comes from the survey link, which anyone can edit. */
    private static final java.util.Set<String> LINK_IDENTIFIED = java.util.Set.of("typeform-response",
            "surveymonkey-response");

    /**
     * Warns about sources whose identifiers anyone can claim but that are not listed as claimed: a survey
     * (hidden fields and custom variables come from the link), the Segment API over HTTP (its write key is
     * public when a web page sends with it). Their records are trusted like a CRM's: someone could send
     * another person's email with their own phone number and merge their profiles. Also warns about claimed
     * names no source writes (a typo protects nothing; records of a removed source may still need it).
     */
    static List<String> warnUnclaimed(List<Source> sources, java.util.Set<String> claimed) {
        List<String> warnings = new java.util.ArrayList<>();
        java.util.Set<String> written = new TreeSet<>();
        for (int i = 0; i < sources.size(); i++) {
            Source source = sources.get(i);
            written.add(source.records());
            boolean open = LINK_IDENTIFIED.contains(source.format())
                    || source.transport() == Transport.WEBHOOK && source.format().startsWith("segment-");
            if (open && !claimed.contains(source.records())) {
                warnings.add("tessera.sources[" + i + "] ('" + source.name() + "', " + source.format()
                        + "): anyone can send any person's email or phone through it, yet its records are trusted "
                        + "like a CRM's and may merge profiles; add '" + source.records()
                        + "' to tessera.identity.claimed-sources of every app (docs/identity.md, Claimed sources), "
                        + "or ignore this if only your own servers send to it");
            }
        }
        for (String name : claimed) {
            if (!written.contains(name)) {
                warnings.add("tessera.identity.claimed-sources: no configured source writes records as '" + name
                        + "' (a source's record-namespace, else its name)");
            }
        }
        warnings.forEach(LOG::warn);
        return warnings;
    }

    /** The cursor settings that only make sense together: a next-link cursor names where the link is. */
    private static void cursor(IngestionProperties.Poll poll, String at) {
        if (poll.cursor() == IngestionProperties.PollCursor.NEXT_LINK && (poll.nextLink() == null || poll.nextLink().isBlank())) {
            throw new IllegalStateException(at + ".next-link: cursor next-link needs the JSON pointer of the next page's "
                    + "URL in the response, e.g. /next_page");
        }
        if (poll.cursor() != IngestionProperties.PollCursor.NEXT_LINK && poll.nextLink() != null) {
            throw new IllegalStateException(at + ".next-link: only used with cursor: next-link (cursor is "
                    + lower(poll.cursor()) + ")");
        }
        if (poll.cursor() == IngestionProperties.PollCursor.NONE && poll.endOfStream() != null) {
            throw new IllegalStateException(at + ".end-of-stream: only used with a cursor (next-link or link-header)");
        }
    }

    private static Optional<SaslLogin> kafkaLogin(Source source, String at, Map<String, String> groups,
            Function<String, String> environment) {
        Kafka kafka = source.kafka();
        if (kafka == null) {
            throw new IllegalStateException(at + ": a kafka source needs kafka.bootstrap-servers and kafka.topic");
        }
        // Two sources in one group on one topic would each get only some of its partitions: silent loss.
        String consumer = kafka.bootstrapServers() + " " + source.kafkaGroup() + " " + kafka.topic();
        String other = groups.putIfAbsent(consumer, source.name());
        if (other != null) {
            throw new IllegalStateException(at + ".group: source '" + other + "' already reads topic '" + kafka.topic()
                    + "' in group '" + source.kafkaGroup() + "'; sources in one group would split its messages");
        }
        KafkaSecurity security = kafka.security();
        if (!security.sasl()) {
            if (security.username() != null || security.password() != null) {
                throw new IllegalStateException(at + ".security.protocol: a user name and password are only used with "
                        + "sasl-plaintext or sasl-ssl, not " + lower(security.protocol()));
            }
            return Optional.empty();
        }
        return Optional.of(new SaslLogin(
                reference(required(security.username(), at + ".security.username", lower(security.protocol())),
                        at + ".security.username", environment),
                reference(required(security.password(), at + ".security.password", lower(security.protocol())),
                        at + ".security.password", environment)));
    }

    private static String required(String reference, String at, String what) {
        if (reference == null || reference.isBlank()) {
            throw new IllegalStateException(at + ": " + what + " needs a reference (env:NAME or file:/path)");
        }
        return reference;
    }

    private static String lower(Enum<?> value) {
        return value.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    private static Optional<VendorFormat> format(Source source, String at, VendorFormats formats) {
        if (source.isCsv()) {
            if (source.transport() != Transport.FOLDER) {
                throw new IllegalStateException(at + ".format: csv is read from folders; a "
                        + source.transport().name().toLowerCase(java.util.Locale.ROOT)
                        + " source needs a JSON format, one of " + new TreeSet<>(VendorFormats.names()));
            }
            if (source.mapping() == null) {
                throw new IllegalStateException(at + ".mapping: the csv format needs a column mapping");
            }
            return Optional.empty();
        }
        if (IngestionProperties.SEGMENT_API.equals(source.format())) {
            if (source.transport() != Transport.WEBHOOK) {
                throw new IllegalStateException(at + ".format: segment-api is an HTTP API; set transport: webhook");
            }
            return Optional.of(formats.byName("segment-batch"));
        }
        return Optional.of(formats.find(source.format()).orElseThrow(() -> new IllegalStateException(
                at + ".format: unknown format '" + source.format() + "'; one of csv, " + IngestionProperties.SEGMENT_API
                        + ", " + String.join(", ", new TreeSet<>(VendorFormats.names())))));
    }

    private static SignatureVerifier verifier(Signature signature, String at, Clock clock,
            Function<String, String> environment) {
        if (signature.scheme() == null) {
            // the endpoint takes requests without a token: an unsigned source must be a choice, not a default
            throw new IllegalStateException(at + ".scheme: a webhook source must say how its deliveries are verified:"
                    + " shopify, typeform, segment-write-key, hubspot-v3, hmac, or none (only behind a proxy that"
                    + " authenticates the sender)");
        }
        if (signature.replayWindow() != null && EnumSet.of(IngestionProperties.Scheme.NONE,
                IngestionProperties.Scheme.TYPEFORM, IngestionProperties.Scheme.HMAC,
                IngestionProperties.Scheme.SEGMENT_WRITE_KEY).contains(signature.scheme())) {
            // accepted silently, it would look like a protection that is not there
            throw new IllegalStateException(at + ".replay-window: the " + signature.scheme().name()
                    .toLowerCase(java.util.Locale.ROOT) + " scheme's deliveries carry no time to check; remove it");
        }
        ReplayWindow replay = new ReplayWindow(clock, signature.effectiveReplayWindow());
        return switch (signature.scheme()) {
            case NONE -> {
                LOG.warn("{}.scheme is none: this webhook accepts unsigned deliveries from anyone who can reach it", at);
                yield payload -> { };
            }
            case SHOPIFY -> new ShopifySignature(secret(signature, at, environment), replay);
            case TYPEFORM -> new TypeformSignature(secret(signature, at, environment));
            case SEGMENT_WRITE_KEY -> new SegmentWriteKey(Arrays.stream(secret(signature, at, environment).split(","))
                    .map(String::strip).filter(k -> !k.isEmpty()).toList());
            case HUBSPOT_V3 -> {
                if (signature.publicUrl() == null || signature.publicUrl().isBlank()) {
                    throw new IllegalStateException(at + ".public-url: hubspot-v3 signs the webhook's public URL; set it");
                }
                yield HmacSignature.hubSpotV3(secret(signature, at, environment), signature.publicUrl(), replay);
            }
            case HMAC -> {
                if (signature.header() == null || signature.header().isBlank()) {
                    throw new IllegalStateException(at + ".header: the hmac scheme needs the header that carries it");
                }
                yield HmacSignature.ofBody(signature.header(),
                        HmacSignature.Encoding.valueOf(signature.encoding().name()), signature.prefix(),
                        signature.algorithm().jcaName(), secret(signature, at, environment));
            }
        };
    }

    /** Reads a webhook's signing secret from its reference. */
    static String secret(Signature signature, String at, Function<String, String> environment) {
        String reference = signature.secret();
        if (reference == null || reference.isBlank()) {
            throw new IllegalStateException(at + ".secret: the " + signature.scheme().name().toLowerCase(java.util.Locale.ROOT)
                    + " scheme needs a secret reference (env:NAME or file:/path)");
        }
        return reference(reference, at + ".secret", environment);
    }

    /**
     * Reads a secret reference ({@code env:NAME}, {@code file:/path}) given at setting {@code at}; the
     * value never leaves this method but in the result.
     */
    static String reference(String reference, String at, Function<String, String> environment) {
        return SecretReference.read(reference, at, environment);
    }

    public Optional<Ready> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public List<Ready> all() {
        return List.copyOf(byName.values());
    }
}
