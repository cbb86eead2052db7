package dev.tessera.ingestion.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.ingestion.format.PayloadRejectedException;
import dev.tessera.ingestion.format.SourcePayload;
import dev.tessera.ingestion.system.IngestionProperties;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** Start-up checks of source configuration: what is wrong is named by its setting, secrets never shown. */
class SourceCatalogTest {

    @TempDir
    Path dir;

    @Test
    void aWebhookSourceGetsItsFormatAndASignatureCheckWithTheSecretFromTheEnvironment() {
        SourceCatalog catalog = catalog(Map.of(
                "sources[0].name", "shop", "sources[0].kind", "shop", "sources[0].transport", "webhook",
                "sources[0].format", "shopify-order", "sources[0].webhook.signature.scheme", "shopify",
                "sources[0].webhook.signature.secret", "env:SHOP_SECRET"), Map.of("SHOP_SECRET", "s3cret"));

        SourceCatalog.Ready shop = catalog.find("shop").orElseThrow();
        assertThat(shop.format()).hasValueSatisfying(f -> assertThat(f.name()).isEqualTo("shopify-order"));
        SourcePayload unsigned = new SourcePayload("shop", "{}".getBytes(StandardCharsets.UTF_8), Map.of(), Instant.now());
        assertThatThrownBy(() -> shop.verifier().orElseThrow().verify(unsigned))
                .isInstanceOf(PayloadRejectedException.class);
    }

    @Test
    void aSecretCanComeFromAFile() throws Exception {
        Path secret = Files.writeString(dir.resolve("typeform"), "tf-secret\n");
        SourceCatalog catalog = catalog(Map.of(
                "sources[0].name", "survey", "sources[0].kind", "survey", "sources[0].transport", "webhook",
                "sources[0].format", "typeform-response", "sources[0].webhook.signature.scheme", "typeform",
                "sources[0].webhook.signature.secret", "file:" + secret), Map.of());
        assertThat(catalog.find("survey").orElseThrow().verifier()).isPresent();
    }

    @Test
    void anUnknownFormatIsNamedWithTheKnownOnes() {
        assertThatThrownBy(() -> catalog(Map.of("sources[0].name", "x", "sources[0].kind", "shop",
                "sources[0].transport", "webhook", "sources[0].format", "shopify-orders"), Map.of()))
                .hasMessageStartingWith("tessera.sources[0].format: unknown format 'shopify-orders'")
                .hasMessageContaining("shopify-order,");
    }

    @Test
    void aMissingSecretNamesTheVariableButNeverAValue() {
        assertThatThrownBy(() -> catalog(Map.of("sources[0].name", "shop", "sources[0].kind", "shop",
                "sources[0].transport", "webhook", "sources[0].format", "shopify-order",
                "sources[0].webhook.signature.scheme", "shopify",
                "sources[0].webhook.signature.secret", "env:NOT_SET_HERE"), Map.of()))
                .hasMessage("tessera.sources[0].webhook.signature.secret: environment variable NOT_SET_HERE is not set");
        assertThatThrownBy(() -> catalog(Map.of("sources[0].name", "shop", "sources[0].kind", "shop",
                "sources[0].transport", "webhook", "sources[0].format", "shopify-order",
                "sources[0].webhook.signature.scheme", "hmac", "sources[0].webhook.signature.secret", "env:S"),
                Map.of("S", "x")))
                .hasMessage("tessera.sources[0].webhook.signature.header: the hmac scheme needs the header that carries it");
    }

    @Test
    void aReplayWindowOnASchemeWithoutTimesStopsStartUpAndShopifyWaitsOutItsRetries() {
        assertThatThrownBy(() -> catalog(Map.of("sources[0].name", "wc", "sources[0].kind", "shop",
                "sources[0].transport", "webhook", "sources[0].format", "woocommerce-order",
                "sources[0].webhook.signature.scheme", "hmac", "sources[0].webhook.signature.secret", "env:S",
                "sources[0].webhook.signature.header", "X-WC-Webhook-Signature",
                "sources[0].webhook.signature.replay-window", "5m"), Map.of("S", "x")))
                .hasMessage("tessera.sources[0].webhook.signature.replay-window: the hmac scheme's deliveries carry "
                        + "no time to check; remove it");
        IngestionProperties.Signature shopify = new IngestionProperties.Signature(IngestionProperties.Scheme.SHOPIFY,
                "env:S", null, IngestionProperties.HmacEncoding.BASE64, IngestionProperties.HmacAlgorithm.SHA256, "", null, null);
        assertThat(shopify.effectiveReplayWindow()).isEqualTo(java.time.Duration.ofHours(6));
        IngestionProperties.Signature hubspot = new IngestionProperties.Signature(IngestionProperties.Scheme.HUBSPOT_V3,
                "env:S", null, IngestionProperties.HmacEncoding.BASE64, IngestionProperties.HmacAlgorithm.SHA256, "", "https://x", null);
        assertThat(hubspot.effectiveReplayWindow()).isEqualTo(java.time.Duration.ofMinutes(5));
        IngestionProperties.Signature set = new IngestionProperties.Signature(IngestionProperties.Scheme.SHOPIFY,
                "env:S", null, IngestionProperties.HmacEncoding.BASE64, IngestionProperties.HmacAlgorithm.SHA256, "", null, java.time.Duration.ofMinutes(30));
        assertThat(set.effectiveReplayWindow()).isEqualTo(java.time.Duration.ofMinutes(30));
    }

    @Test
    void aSecretWrittenInlineIsRefusedByValidation() {
        IngestionProperties.Signature inline = new IngestionProperties.Signature(IngestionProperties.Scheme.SHOPIFY,
                "plain-secret-in-yaml", null, IngestionProperties.HmacEncoding.HEX, IngestionProperties.HmacAlgorithm.SHA256, "", null, java.time.Duration.ofMinutes(5));
        var validator = jakarta.validation.Validation.buildDefaultValidatorFactory().getValidator();
        assertThat(validator.validate(inline)).singleElement().satisfies(v -> {
            assertThat(v.getPropertyPath().toString()).isEqualTo("secret");
            assertThat(v.getMessage()).isEqualTo("must be a reference: env:NAME or file:/path");
        });
    }

    @Test
    void csvNeedsAMappingAndAFolderAndTwoSourcesCannotShareAName() {
        assertThatThrownBy(() -> catalog(Map.of("sources[0].name", "crm", "sources[0].kind", "crm",
                "sources[0].folder.inbox", dir.toString()), Map.of()))
                .hasMessage("tessera.sources[0].mapping: the csv format needs a column mapping");
        assertThatThrownBy(() -> catalog(Map.of("sources[0].name", "crm", "sources[0].kind", "crm",
                "sources[0].transport", "webhook", "sources[0].format", "csv"), Map.of()))
                .hasMessageStartingWith("tessera.sources[0].format: csv is read from folders");
        Map<String, String> twice = new HashMap<>();
        for (int i = 0; i < 2; i++) {
            twice.put("sources[" + i + "].name", "shop");
            twice.put("sources[" + i + "].kind", "shop");
            twice.put("sources[" + i + "].transport", "webhook");
            twice.put("sources[" + i + "].format", "shopify-order");
            twice.put("sources[" + i + "].webhook.signature.scheme", "none");
        }
        assertThatThrownBy(() -> catalog(twice, Map.of()))
                .hasMessage("tessera.sources[1].name: 'shop' is used by two sources");
    }

    @Test
    void aWebhookSourceMustNameItsSignatureSchemeAndNoneIsAChoice() throws Exception {
        Map<String, String> unsigned = Map.of("sources[0].name", "shop", "sources[0].kind", "shop",
                "sources[0].transport", "webhook", "sources[0].format", "shopify-order");
        // its endpoint takes requests without a token: without a scheme anyone could post orders and identities
        assertThatThrownBy(() -> catalog(unsigned, Map.of()))
                .hasMessageStartingWith("tessera.sources[0].webhook.signature.scheme: a webhook source must say how its"
                        + " deliveries are verified");
        Map<String, String> none = new HashMap<>(unsigned);
        none.put("sources[0].webhook.signature.scheme", "none");
        assertThat(catalog(none, Map.of()).find("shop")).isPresent();
        // Intercom signs with HMAC-SHA1: the generic scheme takes the algorithm
        Map<String, String> intercom = Map.of("sources[0].name", "ic", "sources[0].kind", "support",
                "sources[0].transport", "webhook", "sources[0].format", "intercom-conversation",
                "sources[0].webhook.signature.scheme", "hmac", "sources[0].webhook.signature.secret", "env:S",
                "sources[0].webhook.signature.header", "X-Hub-Signature", "sources[0].webhook.signature.prefix", "sha1=",
                "sources[0].webhook.signature.algorithm", "sha1");
        dev.tessera.ingestion.format.signature.SignatureVerifier verifier = catalog(intercom, Map.of("S", "x"))
                .find("ic").orElseThrow().verifier().orElseThrow();
        byte[] body = "{\"topic\":\"conversation.admin.closed\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThatCode(() -> verifier.verify(signed(body, "sha1=" + hex("HmacSHA1", body)))).doesNotThrowAnyException();
        assertThatThrownBy(() -> verifier.verify(signed(body, "sha1=" + hex("HmacSHA256", body))))
                .isInstanceOf(dev.tessera.ingestion.format.PayloadRejectedException.class);
    }

    private static dev.tessera.ingestion.format.SourcePayload signed(byte[] body, String signature) {
        return new dev.tessera.ingestion.format.SourcePayload("ic", body, Map.of("X-Hub-Signature", signature),
                java.time.Instant.parse("2024-01-01T00:00:00Z"));
    }

    private static String hex(String algorithm, byte[] body) throws Exception {
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance(algorithm);
        mac.init(new javax.crypto.spec.SecretKeySpec("x".getBytes(java.nio.charset.StandardCharsets.UTF_8), algorithm));
        return java.util.HexFormat.of().formatHex(mac.doFinal(body));
    }

    @Test
    void aKafkaSourceReadsItsTopicInItsOwnGroupWithItsLoginReadFromReferences() throws Exception {
        Path password = Files.writeString(dir.resolve("kafka-password"), "pa\"ss\n");
        SourceCatalog catalog = catalog(Map.of(
                "sources[0].name", "orders", "sources[0].kind", "shop", "sources[0].transport", "kafka",
                "sources[0].format", "shopify-order", "sources[0].kafka.bootstrap-servers", "broker:9092",
                "sources[0].kafka.topic", "shop.orders", "sources[0].kafka.security.protocol", "sasl-ssl",
                "sources[0].kafka.security.mechanism", "scram-sha-512",
                "sources[0].kafka.security.username", "env:KAFKA_USER",
                "sources[0].kafka.security.password", "file:" + password), Map.of("KAFKA_USER", "tessera"));

        SourceCatalog.Ready orders = catalog.find("orders").orElseThrow();
        assertThat(orders.source().kafkaGroup()).isEqualTo("tessera-orders");
        assertThat(orders.source().kafka().autoOffsetReset()).isEqualTo(IngestionProperties.OffsetReset.EARLIEST);
        assertThat(orders.source().kafka().security().mechanism().kafkaName()).isEqualTo("SCRAM-SHA-512");
        assertThat(orders.source().maxPayloadBytes()).isEqualTo(1_048_576);
        assertThat(orders.verifier()).as("the broker authenticates producers").isEmpty();
        assertThat(orders.kafkaLogin()).hasValueSatisfying(login -> {
            assertThat(login.username()).isEqualTo("tessera");
            assertThat(login.password()).isEqualTo("pa\"ss");
            assertThat(login.toString()).doesNotContain("pa\"ss").doesNotContain("tessera");
        });
    }

    @Test
    void aKafkaSourceNeedsATopicAndSaslNeedsBothCredentialsAsReferences() {
        Map<String, String> kafka = Map.of("sources[0].name", "events", "sources[0].kind", "events",
                "sources[0].transport", "kafka", "sources[0].format", "segment-track");
        assertThatThrownBy(() -> catalog(kafka, Map.of()))
                .hasMessage("tessera.sources[0].kafka: a kafka source needs kafka.bootstrap-servers and kafka.topic");

        Map<String, String> sasl = with(kafka, "sources[0].kafka.bootstrap-servers", "b:9092",
                "sources[0].kafka.topic", "events", "sources[0].kafka.security.protocol", "sasl-plaintext",
                "sources[0].kafka.security.username", "env:KAFKA_USER");
        assertThatThrownBy(() -> catalog(sasl, Map.of("KAFKA_USER", "u")))
                .hasMessage("tessera.sources[0].kafka.security.password: sasl-plaintext needs a reference (env:NAME or file:/path)");
        assertThatThrownBy(() -> catalog(with(sasl, "sources[0].kafka.security.password", "env:KAFKA_PASSWORD"),
                Map.of("KAFKA_USER", "u")))
                .hasMessage("tessera.sources[0].kafka.security.password: environment variable KAFKA_PASSWORD is not set");
        assertThatThrownBy(() -> catalog(with(sasl, "sources[0].kafka.security.protocol", "ssl",
                "sources[0].kafka.security.password", "env:KAFKA_PASSWORD"), Map.of("KAFKA_USER", "u", "KAFKA_PASSWORD", "p")))
                .hasMessage("tessera.sources[0].kafka.security.protocol: a user name and password are only used with "
                        + "sasl-plaintext or sasl-ssl, not ssl");
    }

    @Test
    void kafkaCarriesJsonFormatsOnlyAndTwoSourcesCannotSplitOneTopicInOneGroup() {
        Map<String, String> csv = Map.of("sources[0].name", "crm", "sources[0].kind", "crm",
                "sources[0].transport", "kafka", "sources[0].kafka.bootstrap-servers", "b:9092",
                "sources[0].kafka.topic", "crm");
        assertThatThrownBy(() -> catalog(csv, Map.of()))
                .hasMessageStartingWith("tessera.sources[0].format: csv is read from folders; a kafka source needs a JSON format");

        Map<String, String> two = new HashMap<>();
        for (int i = 0; i < 2; i++) {
            two.putAll(Map.of("sources[" + i + "].name", "zendesk-" + i, "sources[" + i + "].kind", "support",
                    "sources[" + i + "].transport", "kafka", "sources[" + i + "].format", "zendesk-ticket",
                    "sources[" + i + "].kafka.bootstrap-servers", "b:9092", "sources[" + i + "].kafka.topic", "zendesk",
                    "sources[" + i + "].kafka.group", "support"));
        }
        assertThatThrownBy(() -> catalog(two, Map.of()))
                .hasMessage("tessera.sources[1].kafka.group: source 'zendesk-0' already reads topic 'zendesk' in group "
                        + "'support'; sources in one group would split its messages");
        two.remove("sources[1].kafka.group"); // its own default group tessera-zendesk-1: both read every message
        assertThat(catalog(two, Map.of()).all()).hasSize(2);
    }

    @Test
    void kafkaCredentialsWrittenInlineAreRefusedByValidation() {
        var security = new IngestionProperties.KafkaSecurity(IngestionProperties.KafkaProtocol.SASL_SSL,
                IngestionProperties.SaslMechanism.PLAIN, "env:KAFKA_USER", "hunter2");
        var validator = jakarta.validation.Validation.buildDefaultValidatorFactory().getValidator();
        assertThat(validator.validate(security)).singleElement().satisfies(v -> {
            assertThat(v.getPropertyPath().toString()).isEqualTo("password");
            assertThat(v.getMessage()).isEqualTo("must be a reference: env:NAME or file:/path");
        });
    }

    private static Map<String, String> with(Map<String, String> settings, String... more) {
        Map<String, String> all = new HashMap<>(settings);
        for (int i = 0; i < more.length; i += 2) {
            all.put(more[i], more[i + 1]);
        }
        return all;
    }

    @Test
    void aNextLinkCursorWithoutItsPointerStopsStartUpNamingTheSetting() {
        assertThatThrownBy(() -> catalog(Map.of("sources[0].name", "zendesk", "sources[0].kind", "support",
                "sources[0].transport", "poll", "sources[0].format", "zendesk-ticket",
                "sources[0].poll.url", "https://example.zendesk.com/api/v2/incremental/tickets.json?start_time=0",
                "sources[0].poll.cursor", "next-link"), Map.of()))
                .hasMessageStartingWith("tessera.sources[0].poll.next-link: cursor next-link needs the JSON pointer");
        assertThatThrownBy(() -> catalog(Map.of("sources[0].name", "zendesk", "sources[0].kind", "support",
                "sources[0].transport", "poll", "sources[0].format", "zendesk-ticket",
                "sources[0].poll.url", "https://example.zendesk.com/api/v2/tickets.json",
                "sources[0].poll.next-link", "/next_page"), Map.of()))
                .hasMessage("tessera.sources[0].poll.next-link: only used with cursor: next-link (cursor is none)");
    }

    @Test
    void pollCursorSettingsOutOfRangeAreRefusedByValidationNamingTheField() {
        IngestionProperties.Poll poll = new IngestionProperties.Poll("https://example.com/api", java.time.Duration.ofMinutes(5),
                null, java.time.Duration.ofSeconds(30), IngestionProperties.PollCursor.NEXT_LINK, "next_page",
                "/end_of_stream", 0, 0);
        var validator = jakarta.validation.Validation.buildDefaultValidatorFactory().getValidator();
        assertThat(validator.validate(poll)).extracting(v -> v.getPropertyPath().toString() + ": " + v.getMessage())
                .containsExactlyInAnyOrder("nextLink: must be a JSON pointer such as /next_page",
                        "maxPages: must be greater than or equal to 1", "maxBytes: must be greater than or equal to 1");
    }

    @Test
    void surveyScoringIsConfiguredPerSourceAndChoicesOffTheirScaleStopStartUp() {
        Map<String, String> typeform = Map.of("sources[0].name", "typeform", "sources[0].kind", "survey",
                "sources[0].transport", "webhook", "sources[0].format", "typeform-response",
                "sources[0].webhook.signature.scheme", "typeform", "sources[0].webhook.signature.secret", "env:TF_SECRET",
                "sources[0].survey.fields.ces_effort.type", "ces",
                "sources[0].survey.fields.ces_effort.touchpoint", "support");
        SourceCatalog catalog = catalog(typeform, Map.of("TF_SECRET", "s3cret-of-enough-length"));
        assertThat(catalog.find("typeform")).isPresent();

        Map<String, String> surveyMonkey = new HashMap<>(Map.of("sources[0].name", "sm", "sources[0].kind", "survey",
                "sources[0].transport", "folder", "sources[0].format", "surveymonkey-response",
                "sources[0].folder.inbox", "target/inbox-sm",
                "sources[0].survey.questions.q1.type", "csat", "sources[0].survey.questions.q1.choices.c1", "5",
                "sources[0].survey.questions.q1.choices.c2", "9"));
        assertThatThrownBy(() -> catalog(surveyMonkey, Map.of()))
                .hasMessageStartingWith("tessera.sources[0].survey.questions.q1.choices: choice c2 scores outside");
    }

    @Test
    void surveysAndTheSegmentApiOverHttpAreNamedUntilListedAsClaimedSources() {
        Map<String, String> settings = new HashMap<>(Map.of(
                "sources[0].name", "nps", "sources[0].kind", "survey", "sources[0].transport", "webhook",
                "sources[0].format", "typeform-response", "sources[0].webhook.signature.scheme", "typeform",
                "sources[0].webhook.signature.secret", "env:S"));
        settings.putAll(Map.of("sources[1].name", "web", "sources[1].kind", "events", "sources[1].transport", "webhook",
                "sources[1].format", "segment-api", "sources[1].webhook.signature.scheme", "segment-write-key",
                "sources[1].webhook.signature.secret", "env:S"));
        settings.putAll(Map.of("sources[2].name", "shop", "sources[2].kind", "shop", "sources[2].transport", "webhook",
                "sources[2].format", "shopify-order", "sources[2].webhook.signature.scheme", "shopify",
                "sources[2].webhook.signature.secret", "env:S"));
        // a server-side pipeline's Segment batch file: only the company's own systems write the folder
        settings.putAll(Map.of("sources[3].name", "backfill", "sources[3].kind", "events",
                "sources[3].format", "segment-batch", "sources[3].folder.inbox", dir.toString()));

        IngestionProperties unlisted = properties(settings);
        assertThat(SourceCatalog.warnUnclaimed(unlisted.sources(), unlisted.identity().claimedSources()))
                .satisfiesExactly(
                        w -> assertThat(w).startsWith("tessera.sources[0] ('nps', typeform-response): anyone can send")
                                .contains("add 'nps' to tessera.identity.claimed-sources"),
                        w -> assertThat(w).startsWith("tessera.sources[1] ('web', segment-api)"));

        settings.put("identity.claimed-sources[0]", "nps");
        settings.put("identity.claimed-sources[1]", "web");
        IngestionProperties listed = properties(settings);
        assertThat(listed.identity().claimedSources()).containsExactlyInAnyOrder("nps", "web");
        assertThat(SourceCatalog.warnUnclaimed(listed.sources(), listed.identity().claimedSources())).isEmpty();
        assertThatCode(() -> new SourceCatalog(listed, Clock.systemUTC(), Map.of("S", "x")::get)).doesNotThrowAnyException();

        settings.put("identity.claimed-sources[1]", "webb"); // a typo protects nothing
        IngestionProperties typo = properties(settings);
        assertThat(SourceCatalog.warnUnclaimed(typo.sources(), typo.identity().claimedSources())).satisfiesExactly(
                w -> assertThat(w).startsWith("tessera.sources[1] ('web', segment-api)"),
                w -> assertThat(w).isEqualTo("tessera.identity.claimed-sources: no configured source writes records "
                        + "as 'webb' (a source's record-namespace, else its name)"));
    }

    @Test
    void aPollUrlThatIsNoUrlStopsStartUpWithoutEchoingItAndNoTokenIsPrinted() {
        Map<String, String> broken = Map.of("sources[0].name", "vendor", "sources[0].kind", "support",
                "sources[0].transport", "poll", "sources[0].format", "zendesk-user",
                "sources[0].poll.url", "https://vendor.example/api?key=s3cret value");
        assertThatThrownBy(() -> catalog(broken, Map.of()))
                .hasMessageStartingWith("tessera.sources[0].poll.url: not an absolute http or https URL")
                .hasMessageNotContaining("s3cret");
        // URLs java.net.URI takes but the HTTP client refuses on every tick
        for (String url : List.of("https:vendor.example/api?key=s3cret", "https://under_score.example/api?key=s3cret")) {
            Map<String, String> odd = new HashMap<>(broken);
            odd.put("sources[0].poll.url", url);
            assertThatThrownBy(() -> catalog(odd, Map.of())).as(url)
                    .hasMessageStartingWith("tessera.sources[0].poll.url: not an absolute http or https URL")
                    .hasMessageNotContaining("s3cret");
        }

        Map<String, String> fine = new HashMap<>(broken);
        fine.put("sources[0].poll.url", "https://vendor.example/api");
        fine.put("sources[0].poll.bearer-token", "env:TOKEN");
        SourceCatalog catalog = catalog(fine, Map.of("TOKEN", "tok-s3cret"));
        assertThat(catalog.find("vendor").orElseThrow().bearerToken()).hasValue("tok-s3cret");
        assertThat(catalog.find("vendor").orElseThrow().toString()).doesNotContain("tok-s3cret");
    }

    @Test
    void browserOriginsAreOriginsAndOnlyForTheSegmentApi() {
        Map<String, String> shop = Map.of("sources[0].name", "shop", "sources[0].kind", "shop",
                "sources[0].transport", "webhook", "sources[0].format", "shopify-order",
                "sources[0].webhook.signature.scheme", "shopify", "sources[0].webhook.signature.secret", "env:S",
                "sources[0].webhook.allowed-origins[0]", "https://shop.example.com");
        assertThatThrownBy(() -> catalog(shop, Map.of("S", "x")))
                .hasMessageStartingWith("tessera.sources[0].webhook.allowed-origins: only the segment-api source");

        var validator = jakarta.validation.Validation.buildDefaultValidatorFactory().getValidator();
        IngestionProperties.Webhook listed = properties(shop).sources().get(0).webhook();
        for (String bad : List.of("https://shop.example.com/", "https://shop.example.com/path", "shop.example.com",
                "https://*.example.com", "javascript:alert(1)", "https://shop.example.com, https://other.example")) {
            IngestionProperties.Webhook webhook = new IngestionProperties.Webhook(listed.signature(), listed.maxBytes(),
                    List.of(bad));
            assertThat(validator.validate(webhook)).as(bad).singleElement().satisfies(v ->
                    assertThat(v.getMessage()).startsWith("must be an origin"));
        }
        for (String good : List.of("https://shop.example.com", "http://localhost:3000", "*")) {
            assertThat(validator.validate(new IngestionProperties.Webhook(listed.signature(), listed.maxBytes(),
                    List.of(good)))).as(good).isEmpty();
        }
    }

    @Test
    void aClaimedSourceThatIsNoSourceNameStopsStartUp() {
        assertThatThrownBy(() -> properties(Map.of("identity.claimed-sources[0]", "Web Events")))
                .hasStackTraceContaining("claimedSources: 'Web Events' is not a source name");
    }

    private static IngestionProperties properties(Map<String, String> settings) {
        Map<String, String> all = new HashMap<>();
        settings.forEach((k, v) -> all.put("tessera." + k, v));
        return new Binder(new MapConfigurationPropertySource(all)).bindOrCreate("tessera", IngestionProperties.class);
    }

    private static SourceCatalog catalog(Map<String, String> settings, Map<String, String> environment) {
        Map<String, String> all = new HashMap<>();
        settings.forEach((k, v) -> all.put("tessera." + k, v));
        IngestionProperties properties = new Binder(new MapConfigurationPropertySource(all))
                .bindOrCreate("tessera", IngestionProperties.class);
        return new SourceCatalog(properties, Clock.systemUTC(), environment::get);
    }
}
