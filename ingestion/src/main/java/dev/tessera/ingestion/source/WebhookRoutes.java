package dev.tessera.ingestion.source;

import dev.tessera.ingestion.format.SourcePayload;
import dev.tessera.ingestion.system.IngestionProperties;
import dev.tessera.ingestion.system.IngestionProperties.Transport;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * One route per webhook source ({@code direct:source-<name>}, id {@code source-<name>}): the HTTP edge
 * hands it each delivery; it verifies, maps and stores through {@link PayloadIntake}. Being a route,
 * it has the shared error handling, shows in the sources API and can be stopped (deliveries then get
 * 503 and vendors retry).
 */
@Component
class WebhookRoutes extends RouteBuilder {

    /** Which endpoint a delivery came through ({@code webhook}, {@code segment-track}, ...). */
    static final String FORMAT_HEADER = dev.tessera.ingestion.format.SourcePayload.SEGMENT_ENDPOINT_HEADER;

    private final SourceCatalog catalog;
    private final PayloadIntake intake;

    WebhookRoutes(SourceCatalog catalog, PayloadIntake intake) {
        this.catalog = catalog;
        this.intake = intake;
    }

    @Override
    public void configure() {
        for (SourceCatalog.Ready ready : catalog.all()) {
            if (ready.source().enabled() && ready.source().transport() == Transport.WEBHOOK) {
                from("direct:" + ready.source().routeId())
                        .routeId(ready.source().routeId())
                        .routeConfigurationId(SourceErrorHandling.ID)
                        .process(exchange -> receive(ready, exchange));
            }
        }
    }

    private void receive(SourceCatalog.Ready ready, Exchange exchange) throws InvalidPayloadException {
        SourcePayload payload = exchange.getIn().getMandatoryBody(SourcePayload.class);
        String origin = exchange.getIn().getHeader(WebhookController.ORIGIN, "webhook", String.class);
        SourceCatalog.Ready effective = ready;
        String endpoint = payload.header(FORMAT_HEADER).orElse("webhook");
        if (IngestionProperties.SEGMENT_API.equals(ready.source().format()) && endpoint.startsWith("segment-")) {
            // the Segment API: the endpoint decides the format (identify, track or batch)
            effective = ready.withFormat(endpoint);
        }
        exchange.getMessage().setBody(intake.receive(effective, payload, origin));
    }
}
