package dev.tessera.ingestion.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.IdentifierType;
import dev.tessera.core.model.Interaction;
import dev.tessera.core.model.Interaction.ScoreType;
import dev.tessera.core.privacy.ConsentChannel;
import dev.tessera.core.privacy.ConsentEntry;
import dev.tessera.core.privacy.ConsentStatus;
import dev.tessera.core.privacy.ConsentStore;
import dev.tessera.ingestion.format.MappedItem;
import dev.tessera.ingestion.format.MappedPayload;
import dev.tessera.ingestion.format.SourcePayload;
import dev.tessera.ingestion.system.IngestionProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.io.ClassPathResource;

/**
 * The demo profile's sources (application-demo.yml) read the committed demo data (demo/data, written by
 * scripts/generate-demo-*.py) without a rejection, and that data carries what the marketers' dashboard
 * and seeded segments need: NPS and CSAT answers linked by email, some detractors, and marketing
 * consent on email. Asserts counts only, never the people's data.
 */
class DemoDataTest {

    private static final Instant RECEIVED = Instant.parse("2026-11-20T12:00:00Z");

    @Test
    void surveyResponsesGiveNpsAndCsatAnswersOfPeopleLinkedByEmail() throws IOException {
        List<MappedPayload> mapped = map("demo-surveys", "surveys");

        assertThat(mapped).hasSizeGreaterThan(50);
        List<Interaction> answers = new ArrayList<>();
        int rejected = 0;
        int withoutEmail = 0;
        int unscored = 0;
        for (MappedPayload payload : mapped) {
            rejected += payload.rejections().size();
            MappedItem item = payload.items().get(0);
            assertThat(item.record().id().source()).isEqualTo("demo-surveys");
            withoutEmail += item.record().identifiers().stream().anyMatch(i -> i.type() == IdentifierType.EMAIL) ? 0 : 1;
            unscored += item.interactions().isEmpty() ? 1 : 0;
            answers.addAll(item.interactions());
        }
        // counts, so that a failure never prints a person's data
        assertThat(rejected).as("rejected responses").isZero();
        assertThat(withoutEmail).as("responses whose person no email links").isZero();
        assertThat(unscored).as("responses without a score").isZero();
        List<Integer> nps = scores(answers, ScoreType.NPS);
        assertThat(nps).hasSizeGreaterThan(50);
        assertThat(nps.stream().filter(s -> s >= 9).count())
                .isGreaterThan(nps.stream().filter(s -> s <= 6).count())
                .isGreaterThan(0);
        assertThat(nps.stream().filter(s -> s <= 6).count()).isGreaterThanOrEqualTo(nps.size() / 10);
        assertThat(scores(answers, ScoreType.CSAT)).hasSizeGreaterThan(30).allMatch(s -> s >= 1 && s <= 5);
        // the effort question is scored because the demo source configures its field (survey.fields)
        assertThat(scores(answers, ScoreType.CES)).hasSizeGreaterThan(20).allMatch(s -> s >= 1 && s <= 7);
        assertThat(answers).extracting(Interaction::touchpoint).contains("support", "delivery", "general");
    }

    @Test
    void segmentIdentifyTraitsGiveMarketingConsentOnEmail() throws IOException {
        List<ConsentEntry> statements = new ArrayList<>();
        for (MappedPayload payload : map("demo-events", "events")) {
            assertThat(payload.rejections().size()).as("rejected events").isZero();
            for (MappedItem item : payload.items()) {
                CustomerRecord record = item.record();
                if (record != null) {
                    statements.addAll(ConsentStore.ofRecord(record, RECEIVED));
                }
            }
        }

        assertThat(statements).isNotEmpty().allSatisfy(s -> {
            assertThat(s.purpose()).isEqualTo("marketing");
            assertThat(s.channel()).isEqualTo(ConsentChannel.EMAIL);
            assertThat(s.at()).isBefore(RECEIVED);
        });
        assertThat(statements.stream().filter(s -> s.status() == ConsentStatus.GRANTED).count()).isGreaterThan(30);
    }

    /** Every JSON file of demo/data/{folder}, mapped by the demo source {@code name} as configured. */
    private static List<MappedPayload> map(String name, String folder) throws IOException {
        Path data = repositoryRoot().resolve("demo").resolve("data").resolve(folder);
        assumeTrue(Files.isDirectory(data), "demo/data is next to the ingestion module");
        SourceCatalog.Ready source = demoCatalog().find(name).orElseThrow();
        List<MappedPayload> mapped = new ArrayList<>();
        try (Stream<Path> files = Files.list(data)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList()) {
                byte[] body = Files.readAllBytes(file);
                mapped.add(source.format().orElseThrow()
                        .map(new SourcePayload(source.source().records(), body, Map.of(), RECEIVED)));
            }
        }
        return mapped;
    }

    @Test
    void bothAppsOfTheDemoResolveAlikeAndItsSurveyIsAClaimedSource() throws IOException {
        IngestionProperties ingestion = demoProperties();
        assertThat(ingestion.identity().claimedSources()).containsExactly("demo-surveys");
        assertThat(SourceCatalog.warnUnclaimed(ingestion.sources(), ingestion.identity().claimedSources())).isEmpty();

        var yaml = new YamlPropertySourceLoader().load("profile-demo", new org.springframework.core.io.FileSystemResource(
                repositoryRoot().resolve("profile-service/src/main/resources/application-demo.yml")));
        dev.tessera.core.identity.IdentitySettings profiles = new Binder(ConfigurationPropertySources.from(yaml))
                .bindOrCreate("tessera.identity", dev.tessera.core.identity.IdentitySettings.class);
        assertThat(profiles).isEqualTo(ingestion.identity()); // a split re-resolves as ingestion resolved
    }

    private static IngestionProperties demoProperties() throws IOException {
        var yaml = new YamlPropertySourceLoader().load("demo", new ClassPathResource("application-demo.yml"));
        return new Binder(ConfigurationPropertySources.from(yaml)).bindOrCreate("tessera", IngestionProperties.class);
    }

    private static SourceCatalog demoCatalog() throws IOException {
        return new SourceCatalog(demoProperties(), Clock.systemUTC(), variable -> null);
    }

    private static Path repositoryRoot() {
        Path root = Path.of("").toAbsolutePath();
        for (Path p = root; p != null; p = p.getParent()) {
            if (Files.exists(p.resolve("pom.xml"))) {
                root = p;
            }
        }
        return root;
    }

    private static List<Integer> scores(List<Interaction> answers, ScoreType type) {
        return answers.stream().filter(a -> a.score() != null && a.score().type() == type)
                .map(a -> a.score().value()).toList();
    }
}
