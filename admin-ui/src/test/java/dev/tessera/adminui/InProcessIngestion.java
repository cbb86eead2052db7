package dev.tessera.adminui;

import dev.tessera.core.testing.RedisTestServer;
import dev.tessera.ingestion.IngestionApplication;
import dev.tessera.security.testing.TestTokens;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The real ingestion app, started in this JVM on a free port against the test Redis with one CSV folder
 * source {@code crm}, in the dev security mode with this JVM's test key. Its own application.yml is named
 * explicitly, and overrides are command-line arguments (see {@link InProcessProfileService}).
 */
final class InProcessIngestion {

    private final Path inbox;
    private ConfigurableApplicationContext context;

    InProcessIngestion(Path inbox) {
        this.inbox = inbox;
    }

    synchronized String url() {
        if (context == null) {
            List<String> args = new ArrayList<>(List.of("--spring.config.location=" + config(),
                    "--server.port=0",
                    "--tessera.redis.url=" + RedisTestServer.url(),
                    "--tessera.sources[0].name=crm",
                    "--tessera.sources[0].kind=crm",
                    "--tessera.sources[0].folder.inbox=" + inbox,
                    "--tessera.sources[0].folder.poll-delay=100ms",
                    "--tessera.sources[0].mapping.source-id=contact_id",
                    "--tessera.sources[0].mapping.email=email",
                    "--tessera.sources[0].mapping.observed-at=updated_at",
                    "--tessera.sources[0].mapping.attributes.first_name=first_name",
                    "--tessera.sources[0].mapping.attributes.last_name=last_name"));
            args.addAll(TestTokens.arguments());
            context = new SpringApplicationBuilder(IngestionApplication.class)
                    .main(IngestionApplication.class)
                    .run(args.toArray(String[]::new));
        }
        return "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
    }

    synchronized void stop() {
        if (context != null) {
            context.close();
            context = null;
        }
    }

    private static String config() {
        String home = IngestionApplication.class.getProtectionDomain().getCodeSource().getLocation().toString();
        try {
            return Collections.list(InProcessIngestion.class.getClassLoader().getResources("application.yml"))
                    .stream()
                    .map(URL::toString)
                    .filter(url -> url.startsWith(home) || url.startsWith("jar:" + home))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no application.yml in " + home));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
