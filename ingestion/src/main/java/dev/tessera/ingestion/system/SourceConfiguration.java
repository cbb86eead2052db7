package dev.tessera.ingestion.system;

import dev.tessera.core.deadletter.DeadLetterStore;
import dev.tessera.core.identity.IdentityResolver;
import dev.tessera.core.normalize.Identifiers;
import dev.tessera.core.cx.CxIdentityHooks;
import dev.tessera.core.cx.CxStore;
import dev.tessera.core.store.RedisConnection;
import dev.tessera.ingestion.source.PayloadIntake;
import dev.tessera.ingestion.source.PollCursors;
import dev.tessera.ingestion.source.SourceCatalog;
import dev.tessera.ingestion.source.csv.CsvFileImporter;
import dev.tessera.ingestion.operations.SourceActivity;
import io.micrometer.core.instrument.MeterRegistry;
import dev.tessera.core.privacy.Tombstones;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class SourceConfiguration {

    @Bean
    CsvFileImporter csvFileImporter(IdentityResolver resolver, DeadLetterStore deadLetters, Identifiers identifiers,
            SourceActivity activity, CxIdentityHooks hooks, Tombstones tombstones) {
        return new CsvFileImporter(resolver, deadLetters, identifiers, activity, hooks, tombstones);
    }

    @Bean
    SourceCatalog sourceCatalog(IngestionProperties properties, Clock clock, DeadLetterStore deadLetters) {
        SourceCatalog catalog = new SourceCatalog(properties, clock, System::getenv);
        // an erasure (in the profile service) finds a person's record ids in the dead letters of the routes
        // whose payloads are about their record's source: a source with its own record-namespace included
        catalog.all().forEach(ready -> deadLetters.nameRecordSource(ready.source().routeId(), ready.source().records()));
        return catalog;
    }

    @Bean
    PayloadIntake payloadIntake(IdentityResolver resolver, CxStore cx, CxIdentityHooks hooks,
            DeadLetterStore deadLetters, SourceActivity activity) {
        return new PayloadIntake(resolver, cx, hooks, deadLetters, activity);
    }

    /** Where cursor-following poll sources go on after a restart. */
    @Bean
    PollCursors pollCursors(RedisConnection connection) {
        return new PollCursors(connection);
    }

    @Bean
    SourceActivity sourceActivity(MeterRegistry meters, Clock clock) {
        return new SourceActivity(meters, clock);
    }
}
