package dev.tessera.adminui;

import java.io.IOException;
import dev.tessera.core.testing.RedisTestSupport;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * One of the platform's real apps, started in this JVM on a free port as it runs in production but
 * against the test Redis, for tests that drive the admin UI against it. One instance per test class: it
 * starts on the first {@link #url()} and runs until {@link #stop()}.
 *
 * <p>Two details matter in a shared JVM: the app's own application.yml is named explicitly (the admin
 * UI's, first on the class path, would shadow it), and overrides are command-line arguments, which
 * outrank application.yml where builder default properties would not.
 */
class InProcessApp {

    private final Class<?> application;
    private final List<String> arguments;
    private ConfigurableApplicationContext context;

    /** {@code arguments}: the app's own settings, after port, Redis and the class path's exclusions. */
    InProcessApp(Class<?> application, List<String> arguments) {
        this.application = application;
        this.arguments = List.copyOf(arguments);
    }

    /** The app's base URL, starting it on first use. */
    synchronized String url() {
        if (context == null) {
            List<String> args = new ArrayList<>(List.of("--spring.config.location=" + config(),
                    "--server.port=0",
                    "--tessera.redis.url=" + RedisTestSupport.settings().url(),
                    "--tessera.redis.cluster=" + RedisTestSupport.settings().cluster()));
            args.addAll(arguments);
            context = new SpringApplicationBuilder(application).main(application).run(args.toArray(String[]::new));
        }
        return "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
    }

    /** Stops the app if it runs. */
    synchronized void stop() {
        if (context != null) {
            context.close();
            context = null;
        }
    }

    private String config() {
        String home = application.getProtectionDomain().getCodeSource().getLocation().toString();
        try {
            return Collections.list(InProcessApp.class.getClassLoader().getResources("application.yml"))
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
