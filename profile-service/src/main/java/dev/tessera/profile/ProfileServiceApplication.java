package dev.tessera.profile;

import dev.tessera.core.store.RedisConnection;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** REST API over unified profiles held in Redis. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class ProfileServiceApplication {

    public static void main(String[] args) {
        RedisConnection.leakDetectionOffUnlessAsked();
        SpringApplication.run(ProfileServiceApplication.class, args);
    }
}
