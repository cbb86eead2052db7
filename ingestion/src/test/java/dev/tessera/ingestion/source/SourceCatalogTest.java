package dev.tessera.ingestion.source;

import static org.assertj.core.api.Assertions.assertThat;
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
    void aSecretWrittenInlineIsRefusedByValidation() {
        IngestionProperties.Signature inline = new IngestionProperties.Signature(IngestionProperties.Scheme.SHOPIFY,
                "plain-secret-in-yaml", null, IngestionProperties.HmacEncoding.HEX, "", null, java.time.Duration.ofMinutes(5));
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
        }
        assertThatThrownBy(() -> catalog(twice, Map.of()))
                .hasMessage("tessera.sources[1].name: 'shop' is used by two sources");
    }

    private static SourceCatalog catalog(Map<String, String> settings, Map<String, String> environment) {
        Map<String, String> all = new HashMap<>();
        settings.forEach((k, v) -> all.put("tessera." + k, v));
        IngestionProperties properties = new Binder(new MapConfigurationPropertySource(all))
                .bindOrCreate("tessera", IngestionProperties.class);
        return new SourceCatalog(properties, Clock.systemUTC(), environment::get);
    }
}
