package dev.tessera.ingestion.operations;

import dev.tessera.core.deadletter.DeadLetterStore;
import dev.tessera.ingestion.system.IngestionProperties;
import dev.tessera.ingestion.system.IngestionProperties.Source;
import dev.tessera.ingestion.system.IngestionProperties.Transport;
import java.time.Instant;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The integrator's view of the sources: configuration, route status and activity, and starting and
 * stopping a route. Paths name sources as configured; an unknown name is a 404.
 */
@RestController
@RequestMapping("/api/v1/sources")
class SourcesController {

    private final IngestionProperties properties;
    private final SourceActivity activity;
    private final DeadLetterStore deadLetters;
    private final CamelContext camel;

    SourcesController(IngestionProperties properties, SourceActivity activity, DeadLetterStore deadLetters,
            CamelContext camel) {
        this.properties = properties;
        this.activity = activity;
        this.deadLetters = deadLetters;
        this.camel = camel;
    }

    @GetMapping
    SourceList list() {
        List<SourceStatus> sources = properties.sources().stream().map(this::status).toList();
        return new SourceList(sources, sources.size());
    }

    @GetMapping("/{name}")
    SourceStatus one(@PathVariable String name) {
        return status(Sources.find(properties, name));
    }

    @PostMapping("/{name}/stop")
    SourceStatus stop(@PathVariable String name) throws Exception {
        Source source = Sources.find(properties, name);
        List<String> routes = camelRoutes(source);
        if (routes.isEmpty()) {
            throw new OperationsProblems.NotRunning(name);
        }
        for (String route : routes) {
            camel.getRouteController().stopRoute(route);
        }
        return status(source);
    }

    @PostMapping("/{name}/start")
    SourceStatus start(@PathVariable String name) throws Exception {
        Source source = Sources.find(properties, name);
        List<String> routes = camelRoutes(source);
        if (routes.isEmpty()) {
            throw new OperationsProblems.NotRunning(name);
        }
        for (String route : routes) {
            camel.getRouteController().startRoute(route);
        }
        return status(source);
    }

    /**
     * The Camel routes that feed a source: its own, or for transport custom the integrator's routes that
     * delivered for it since start-up (a custom source has no route of Tessera's).
     */
    private List<String> camelRoutes(Source source) {
        java.util.Collection<String> ids = source.transport() == Transport.CUSTOM
                ? activity.customRoutes(source.name()) : List.of(source.routeId());
        return ids.stream().filter(id -> camel.getRoute(id) != null).toList();
    }

    /**
     * A source's route status: its route's; for transport custom the integrator's routes' (started when
     * one of them is), or {@code waiting} until one of them delivers.
     */
    private String routeStatus(Source source) {
        List<String> routes = camelRoutes(source);
        if (routes.isEmpty()) {
            return !source.enabled() ? "disabled" : source.transport() == Transport.CUSTOM ? "waiting" : "not-started";
        }
        List<ServiceStatus> statuses = routes.stream().map(id -> camel.getRouteController().getRouteStatus(id)).toList();
        ServiceStatus shown = statuses.contains(ServiceStatus.Started) ? ServiceStatus.Started : statuses.get(0);
        return shown.name().toLowerCase(java.util.Locale.ROOT);
    }

    private SourceStatus status(Source source) {
        SourceActivity.Snapshot s = activity.snapshot(source.name());
        return new SourceStatus(source.name(), source.kind().name().toLowerCase(java.util.Locale.ROOT),
                source.transport().name().toLowerCase(java.util.Locale.ROOT),
                source.format(), source.enabled(), source.routeId(),
                source.transport() == Transport.CUSTOM ? List.copyOf(activity.customRoutes(source.name())) : null,
                routeStatus(source),
                s.received(), s.stored(), s.rejected(), s.erased(), deadLetters.count(source.routeId()),
                s.lastSuccess().orElse(null),
                s.lastError().map(e -> new LastError(e.at(), e.reason())).orElse(null),
                s.lag().map(d -> d.toMillis() / 1000.0).orElse(null),
                s.lagMessages().isPresent() ? Long.valueOf(s.lagMessages().getAsLong()) : null,
                s.progress().map(p -> new Progress(p.file(), p.done(), p.total(), p.startedAt())).orElse(null));
    }

    record SourceList(List<SourceStatus> items, int count) {}

    /**
     * @param lagSeconds how far behind the source is (folder: age of the oldest waiting file; Kafka: age of
     *                   the oldest unconsumed message); null when the transport cannot tell or the brokers do
     *                   not answer
     * @param lagMessages messages waiting (Kafka: log end minus committed offset, summed over partitions);
     *                   null for other transports and while unknown
     * @param progress   the file being imported, rows done of total; null when idle
     * @param erased     items refused because their person was erased (not dead-lettered: docs/privacy.md)
     * @param customRoutes for transport custom: the integrator's Camel routes that delivered for the source
     *                   since start-up (their status is the source's); null for other transports
     */
    record SourceStatus(String name, String kind, String transport, String format, boolean enabled, String route,
            List<String> customRoutes, String status, long received, long stored, long rejected, long erased, long deadLetters, Instant lastSuccess,
            LastError lastError, Double lagSeconds, Long lagMessages, Progress progress) {}

    record LastError(Instant at, String reason) {}

    record Progress(String file, long done, long total, Instant startedAt) {}
}
