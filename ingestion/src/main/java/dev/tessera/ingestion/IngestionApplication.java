package dev.tessera.ingestion;

import dev.tessera.core.store.RedisConnection;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Camel source routes that turn vendor data into canonical records and resolve them into profiles. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class IngestionApplication {

    public static void main(String[] args) {
        RedisConnection.leakDetectionOffUnlessAsked();
        SpringApplication.run(IngestionApplication.class, args);
    }
}
