package dev.tessera.ingestion.system;

import dev.tessera.core.deadletter.DeadLetterStore;
import dev.tessera.core.identity.IdentityResolver;
import dev.tessera.core.normalize.Identifiers;
import dev.tessera.ingestion.source.csv.CsvFileImporter;
import dev.tessera.ingestion.operations.SourceActivity;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class SourceConfiguration {

    @Bean
    CsvFileImporter csvFileImporter(IdentityResolver resolver, DeadLetterStore deadLetters, Identifiers identifiers,
            SourceActivity activity) {
        return new CsvFileImporter(resolver, deadLetters, identifiers, activity);
    }

    @Bean
    SourceActivity sourceActivity(MeterRegistry meters, Clock clock) {
        return new SourceActivity(meters, clock);
    }
}
