package dev.tessera.ingestion.system;

import dev.tessera.core.cx.CxSettings;
import dev.tessera.core.identity.IdentitySettings;
import dev.tessera.core.privacy.PrivacySettings;
import dev.tessera.core.store.RedisSettings;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the ingestion app (prefix {@code tessera}): Redis, the sources integrators declare, and
 * how records become profiles ({@code identity}, shared with the profile service). Documented with
 * examples in docs/sources.md and docs/identity.md.
 */
@Validated
@ConfigurationProperties("tessera")
public record IngestionProperties(
        @Valid @NotNull @DefaultValue Redis redis,
        @NotNull @Pattern(regexp = "[A-Z]{2}", message = "must be an ISO 3166 region code such as GB")
        @DefaultValue("GB") String phoneDefaultRegion,
        @Valid @NotNull @DefaultValue List<Source> sources,
        @NotNull @DefaultValue IdentitySettings identity,
        @NotNull @DefaultValue CxSettings cx,
        @NotNull @DefaultValue PrivacySettings privacy) {

    /** Redis connection; the default URL lives in core's {@link RedisSettings}. */
    public record Redis(String url, @DefaultValue("false") boolean cluster, Duration timeout) {

        public RedisSettings settings() {
            return new RedisSettings(url, cluster, timeout);
        }
    }

    public enum Kind { CRM, SHOP, SUPPORT, SURVEY, EVENTS }

    /**
     * How data arrives: files in a folder, HTTP posts of the vendor's webhook (signed), messages on a
     * Kafka topic, a scheduled HTTP GET of the vendor's API ({@link Poll}), or a custom Camel route of
     * the integrator's that sends payloads to {@code direct:tessera-intake} naming the source.
     */
    public enum Transport { FOLDER, WEBHOOK, KAFKA, POLL, CUSTOM }

    /** The payload size limit of webhooks and Kafka messages unless a source sets its own: 1 MiB. */
    static final String DEFAULT_MAX_BYTES = "1048576";

    /** The format of generic CSV files mapped column by column ({@link Mapping}). */
    public static final String CSV = "csv";
    /**
     * The Segment HTTP tracking API: a webhook source in this format answers {@code /v1/identify},
     * {@code /v1/track} and {@code /v1/batch} (write-key auth), each with its Segment format.
     */
    public static final String SEGMENT_API = "segment-api";

    /**
     * One source system.
     *
     * @param name            source name, part of every source record id (e.g. {@code crm}) unless
     *                        {@code recordNamespace} is set; never rename a live one
     * @param enabled         a disabled source keeps its configuration but starts no route
     * @param recordNamespace the first part of the source record ids this source writes, when it is not the
     *                        name: sources that carry different objects of one system (Zendesk users and
     *                        tickets, Freshdesk contacts and tickets) must share it, so that a ticket's
     *                        requester id names the same record as the user with that id
     */
    public record Source(
            @NotBlank @Pattern(regexp = "[a-z0-9][a-z0-9_-]{0,63}", message = "must be lower-case letters, digits, - or _")
            String name,
            @NotNull Kind kind,
            @NotNull @DefaultValue("FOLDER") Transport transport,
            @NotBlank @DefaultValue(CSV) String format,
            @DefaultValue("true") boolean enabled,
            @Valid Folder folder,
            @Valid @NotNull @DefaultValue Csv csv,
            @Valid Mapping mapping,
            @Valid @NotNull @DefaultValue Webhook webhook,
            @Valid Kafka kafka,
            @Valid Poll poll,
            @Pattern(regexp = "[a-z0-9][a-z0-9_-]{0,63}", message = "must be lower-case letters, digits, - or _")
            String recordNamespace,
            @Valid @NotNull @DefaultValue Survey survey) {

        public String routeId() {
            return "source-" + name;
        }

        /** The first part of this source's record ids: {@code recordNamespace} when set, else the name. */
        public String records() {
            return recordNamespace == null || recordNamespace.isBlank() ? name : recordNamespace;
        }

        /** The largest payload (webhook body, Kafka message, polled page, JSON file) this source accepts. */
        public int maxPayloadBytes() {
            if (transport == Transport.KAFKA && kafka != null) {
                return kafka.maxMessageBytes();
            }
            return transport == Transport.POLL && poll != null ? poll.maxBytes() : webhook.maxBytes();
        }

        /** The Kafka consumer group: the configured one, else {@code tessera-<name>}. */
        public String kafkaGroup() {
            return kafka != null && kafka.group() != null && !kafka.group().isBlank() ? kafka.group() : "tessera-" + name;
        }

        public boolean isCsv() {
            return CSV.equals(format);
        }
    }

    /**
     * How a webhook source is reached and authenticated. It answers {@code POST /webhooks/{name}}.
     *
     * @param maxBytes        larger bodies are refused (413) and kept as dead letters without their content
     * @param allowedOrigins  for the {@code segment-api} source only: web pages (origins such as
     *                        {@code https://shop.example.com}, or {@code *} for any) whose scripts may read
     *                        the API's answers, as analytics.js must to know a call arrived; none by default
     */
    public record Webhook(
            @Valid @NotNull @DefaultValue Signature signature,
            @Min(1) @Max(16 * 1024 * 1024) @DefaultValue(DEFAULT_MAX_BYTES) int maxBytes,
            @NotNull @DefaultValue List<@NotNull @Pattern(regexp = ORIGIN,
                    message = "must be an origin such as https://shop.example.com (scheme, host, optional port), or *")
                    String> allowedOrigins) {}

    /** A web origin: scheme, host and optional port, nothing else; or {@code *}. */
    static final String ORIGIN = "\\*|https?://[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?(?::[0-9]{1,5})?";

    /**
     * A Kafka topic whose messages are payloads of the source's JSON format, one payload per message.
     * Offsets are committed only after a message is stored or kept as a dead letter (docs/sources.md).
     *
     * @param bootstrapServers  {@code host:port[,host:port...]} of the cluster
     * @param group             consumer group; without it {@code tessera-<source name>}
     * @param autoOffsetReset   where a group without committed offsets starts: {@code earliest} (the
     *                          whole retained topic) or {@code latest} (only new messages)
     * @param maxMessageBytes   larger messages are kept as dead letters without their content
     */
    public record Kafka(
            @NotBlank String bootstrapServers,
            @NotBlank @Pattern(regexp = "[A-Za-z0-9._-]{1,249}", message = "must be a Kafka topic name") String topic,
            @Pattern(regexp = "[A-Za-z0-9._-]{1,249}", message = "must be letters, digits, '.', '_' or '-'") String group,
            @NotNull @DefaultValue("EARLIEST") OffsetReset autoOffsetReset,
            @Valid @NotNull @DefaultValue KafkaSecurity security,
            @Min(1) @Max(16 * 1024 * 1024) @DefaultValue(DEFAULT_MAX_BYTES) int maxMessageBytes) {}

    public enum OffsetReset { EARLIEST, LATEST }

    /**
     * How the ingestion app authenticates to the brokers. SASL credentials are references, never values,
     * like webhook secrets: {@code env:NAME} or {@code file:/path}. TLS uses the JVM's trust store.
     *
     * @param protocol   {@code plaintext}, {@code ssl}, {@code sasl-plaintext} or {@code sasl-ssl}
     * @param mechanism  for SASL: {@code plain}, {@code scram-sha-256} or {@code scram-sha-512}
     * @param username   reference to the SASL user name
     * @param password   reference to the SASL password
     */
    public record KafkaSecurity(
            @NotNull @DefaultValue("PLAINTEXT") KafkaProtocol protocol,
            @NotNull @DefaultValue("PLAIN") SaslMechanism mechanism,
            @Pattern(regexp = SECRET_REFERENCE, message = "must be a reference: env:NAME or file:/path") String username,
            @Pattern(regexp = SECRET_REFERENCE, message = "must be a reference: env:NAME or file:/path") String password) {

        public boolean sasl() {
            return protocol == KafkaProtocol.SASL_PLAINTEXT || protocol == KafkaProtocol.SASL_SSL;
        }
    }

    public enum KafkaProtocol { PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL }

    public enum SaslMechanism {
        PLAIN("PLAIN"), SCRAM_SHA_256("SCRAM-SHA-256"), SCRAM_SHA_512("SCRAM-SHA-512");

        private final String kafkaName;

        SaslMechanism(String kafkaName) {
            this.kafkaName = kafkaName;
        }

        /** The name Kafka's {@code sasl.mechanism} expects. */
        public String kafkaName() {
            return kafkaName;
        }
    }

    /** A secret given by reference: an environment variable or a file (e.g. a mounted secret). */
    static final String SECRET_REFERENCE = "(env:[A-Za-z_][A-Za-z0-9_]*|file:.+)";

    /**
     * The vendor's signature check. Secrets are references, never values: {@code env:NAME} (an
     * environment variable) or {@code file:/path} (e.g. a mounted secret); start-up fails when one is
     * missing, naming the setting.
     *
     * @param scheme        {@code shopify} (X-Shopify-Hmac-Sha256), {@code typeform} (Typeform-Signature),
     *                      {@code segment-write-key} (Basic auth, key as user name), {@code hmac} (any
     *                      header holding an HMAC of the body), {@code hubspot-v3}, or {@code none} (only
     *                      for sources behind an authenticating proxy; say so by choosing it). No default:
     *                      a webhook source without it stops start-up, since its endpoint takes requests
     *                      without a token and the scheme is its only check
     * @param algorithm     for {@code hmac}: {@code sha256} (default), {@code sha1} (Intercom's
     *                      {@code X-Hub-Signature}) or {@code sha512}
     * @param secret        reference to the signing secret (write keys: a comma-separated list behind it)
     * @param header        for {@code hmac}: the header carrying the signature
     * @param encoding      for {@code hmac}: {@code hex} or {@code base64}
     * @param prefix        for {@code hmac}: text before the signature in the header, e.g. {@code sha256=}
     * @param publicUrl     for {@code hubspot-v3}: the webhook URL exactly as configured at HubSpot
     * @param replayWindow  deliveries whose time is further from now are refused (kept as replayable dead
     *                      letters when their signature holds); default 5 minutes, and 6 hours for
     *                      {@code shopify}, which retries a failed delivery for 4 hours with its original
     *                      {@code X-Shopify-Triggered-At}
     */
    public record Signature(
            Scheme scheme,
            @Pattern(regexp = SECRET_REFERENCE, message = "must be a reference: env:NAME or file:/path")
            String secret,
            String header,
            @DefaultValue("HEX") HmacEncoding encoding,
            @DefaultValue("SHA256") HmacAlgorithm algorithm,
            @DefaultValue("") String prefix,
            String publicUrl,
            Duration replayWindow) {

        /** Shopify retries failed deliveries 8 times over 4 hours, each with the original trigger time. */
        public static final Duration SHOPIFY_REPLAY_WINDOW = Duration.ofHours(6);
        public static final Duration DEFAULT_REPLAY_WINDOW = Duration.ofMinutes(5);

        /** The configured window, else the scheme's default. */
        public Duration effectiveReplayWindow() {
            if (replayWindow != null) {
                return replayWindow;
            }
            return scheme == Scheme.SHOPIFY ? SHOPIFY_REPLAY_WINDOW : DEFAULT_REPLAY_WINDOW;
        }
    }

    /**
     * A vendor API fetched on a schedule; each response is one payload of the source's format, and
     * fetching the same data again stores nothing twice. With a {@code cursor} the poll follows the
     * vendor's next-page links and keeps the next URL in Redis, so an incremental export is read to its
     * end and resumed where it stopped after a restart (docs/sources.md).
     *
     * @param url          the API URL (http or https); the first page, and the origin every next link must keep
     * @param interval     time between fetches
     * @param bearerToken  reference ({@code env:NAME} / {@code file:/path}) to an API token sent as
     *                     {@code Authorization: Bearer ...}; optional
     * @param timeout      per request
     * @param cursor       how the next page is found: {@code none} (fetch {@code url} each tick),
     *                     {@code next-link} (a URL in the response body at {@code nextLink}) or
     *                     {@code link-header} (RFC 8288 {@code Link: <...>; rel="next"})
     * @param nextLink     for {@code next-link}: JSON pointer to the next page's URL, e.g. {@code /next_page}
     * @param endOfStream  optional JSON pointer to a boolean that is true on the last page for now, e.g.
     *                     {@code /end_of_stream}: the poll then waits for the next tick
     * @param maxPages     pages fetched per tick at most, so that a long backlog does not hold the route
     * @param maxBytes     largest page read (default 16 MiB); a larger one is not read past the limit and the
     *                     cursor stays on it, with the source's last error saying so, until the limit is raised
     */
    public record Poll(
            @NotNull @Pattern(regexp = "https?://.+", message = "must be an http or https URL") String url,
            @NotNull @DefaultValue("5m") Duration interval,
            @Pattern(regexp = "(env:[A-Za-z_][A-Za-z0-9_]*|file:.+)", message = "must be a reference: env:NAME or file:/path")
            String bearerToken,
            @NotNull @DefaultValue("30s") Duration timeout,
            @NotNull @DefaultValue("NONE") PollCursor cursor,
            @Pattern(regexp = JSON_POINTER, message = "must be a JSON pointer such as /next_page") String nextLink,
            @Pattern(regexp = JSON_POINTER, message = "must be a JSON pointer such as /end_of_stream") String endOfStream,
            @Min(1) @Max(10_000) @DefaultValue("50") int maxPages,
            @Min(1) @Max(256 * 1024 * 1024) @DefaultValue("16777216") int maxBytes) {}

    /** A JSON pointer (RFC 6901) to a member below the root. */
    static final String JSON_POINTER = "(/([^~]|~[01])*)+";

    public enum PollCursor { NONE, NEXT_LINK, LINK_HEADER }

    public enum Scheme { NONE, SHOPIFY, TYPEFORM, SEGMENT_WRITE_KEY, HMAC, HUBSPOT_V3 }

    public enum HmacEncoding { HEX, BASE64 }

    /** The MAC of a generic {@code hmac} signature, by its JCA name. */
    public enum HmacAlgorithm {
        SHA1("HmacSHA1"), SHA256("HmacSHA256"), SHA512("HmacSHA512");

        private final String jcaName;

        HmacAlgorithm(String jcaName) {
            this.jcaName = jcaName;
        }

        public String jcaName() {
            return jcaName;
        }
    }

    /**
     * A folder watched for files. Finished files move to {@code inbox/.done}, files that failed as a whole
     * to {@code inbox/.failed}; names starting with a dot are never read, so writers can write under a
     * dot-name and rename.
     */
    public record Folder(
            @NotNull Path inbox,
            @NotBlank @DefaultValue(".*\\.csv") String include,
            @NotNull @DefaultValue("1s") Duration pollDelay) {}

    /**
     * CSV dialect. The first line is the header; a UTF-8 byte order mark is ignored.
     *
     * @param threads rows of a file resolved at once (rows of one source id always in file order, on one
     *                thread); 1 resolves row after row
     */
    public record Csv(
            @DefaultValue(",") @Size(min = 1, max = 1) String delimiter,
            @NotBlank @DefaultValue("UTF-8") String charset,
            @DefaultValue("4") @Min(1) @Max(64) int threads) {}

    /**
     * How columns become a canonical record. Column names are header names.
     *
     * @param sourceId    column with the record's id in the source; without it the id is a digest of the row
     * @param email       columns holding email addresses
     * @param phone       columns holding phone numbers
     * @param observedAt  column with the record's last-change time; without it the file's modification time
     * @param attributes  canonical attribute name to column
     * @param dates       canonical attributes that are dates (stored as yyyy-MM-dd)
     * @param dateFormats accepted date(-time) patterns; {@code ISO} accepts ISO-8601 forms
     * @param timeZone    zone of date-times that carry none
     * @param phoneRegion region of phone numbers without country prefix, if not {@code phoneDefaultRegion}
     */
    public record Mapping(
            String sourceId,
            @NotNull @DefaultValue List<@NotBlank String> email,
            @NotNull @DefaultValue List<@NotBlank String> phone,
            String observedAt,
            @NotNull @DefaultValue Map<String, @NotBlank String> attributes,
            @NotNull @DefaultValue List<String> dates,
            @NotEmpty @DefaultValue("ISO") List<String> dateFormats,
            @NotBlank @DefaultValue("UTC") String timeZone,
            @Pattern(regexp = "[A-Z]{2}", message = "must be an ISO 3166 region code such as US") String phoneRegion) {}

    /**
     * How the answers of a survey source become NPS, CSAT and CES scores (docs/sources.md, "Surveys").
     *
     * @param fields             Typeform field ref (or id) → what it scores; fields not listed are scored by
     *                           the built-in rules (an {@code nps} field or a recommend {@code opinion_scale}
     *                           is NPS, a {@code rating} is CSAT)
     * @param questions          SurveyMonkey question id → what it scores and the score of each choice id
     * @param respondentVariable SurveyMonkey custom variable with the respondent's id (default: the
     *                           response's {@code custom_value})
     */
    public record Survey(@NotNull @DefaultValue Map<String, @Valid @NotNull ScoredField> fields,
            @NotNull @DefaultValue Map<String, @Valid @NotNull ScoredQuestion> questions,
            String respondentVariable) {

        public Survey {
            fields = Map.copyOf(fields);
            questions = Map.copyOf(questions);
        }
    }

    /** A scored Typeform field: the scale and, optionally, the touchpoint the question asks about. */
    public record ScoredField(@NotNull dev.tessera.core.model.Interaction.ScoreType type, String touchpoint) {}

    /** A scored SurveyMonkey question: the scale, choice id → score, and optionally the touchpoint. */
    public record ScoredQuestion(@NotNull dev.tessera.core.model.Interaction.ScoreType type,
            @NotNull @DefaultValue Map<String, Integer> choices, String touchpoint) {

        public ScoredQuestion {
            choices = Map.copyOf(choices);
        }
    }
}
