package dev.tessera.adminui;

import dev.tessera.ingestion.IngestionApplication;
import dev.tessera.security.testing.TestTokens;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The real ingestion app in this JVM (see {@link InProcessApp}) with one CSV folder source {@code crm},
 * in the dev security mode with this JVM's test key.
 */
final class InProcessIngestion extends InProcessApp {

    InProcessIngestion(Path inbox) {
        super(IngestionApplication.class, arguments(inbox));
    }

    private static List<String> arguments(Path inbox) {
        List<String> args = new ArrayList<>(List.of(
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
        return args;
    }
}
