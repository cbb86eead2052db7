package dev.tessera.ingestion.source;

import dev.tessera.core.deadletter.DeadLetterStore;
import dev.tessera.ingestion.source.csv.MalformedFileException;
import io.lettuce.core.RedisException;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.springframework.stereotype.Component;

/**
 * Error handling shared by every source route. Storage outages are retried with back-off (rows are
 * idempotent, so re-reading a file is safe); a file that cannot be read at all is recorded as a dead
 * letter with its reason and moved aside by the file endpoint, never deleted.
 */
@Component
class SourceErrorHandling extends RouteConfigurationBuilder {

    static final String ID = "tessera-source-errors";

    private final DeadLetterStore deadLetters;

    SourceErrorHandling(DeadLetterStore deadLetters) {
        this.deadLetters = deadLetters;
    }

    @Override
    public void configuration() {
        routeConfiguration(ID)
                .onException(RedisException.class)
                        .maximumRedeliveries(5).redeliveryDelay(500).useExponentialBackOff().backOffMultiplier(2)
                        .logExhaustedMessageHistory(false)
                .end()
                .onException(MalformedFileException.class)
                        .logExhaustedMessageHistory(false)
                        .process(this::recordMalformedFile)
                .end();
    }

    private void recordMalformedFile(Exchange exchange) {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String file = exchange.getIn().getHeader(Exchange.FILE_NAME, String.class);
        deadLetters.add(exchange.getFromRouteId(), file, "file rejected: " + cause.getMessage(),
                "(the whole file, kept in the inbox's .failed folder)");
    }
}
