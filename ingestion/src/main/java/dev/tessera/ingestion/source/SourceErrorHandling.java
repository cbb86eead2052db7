package dev.tessera.ingestion.source;

import dev.tessera.core.deadletter.DeadLetterStore;
import dev.tessera.ingestion.source.csv.MalformedFileException;
import io.lettuce.core.RedisException;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.springframework.stereotype.Component;

/**
 * Error handling shared by every source route. Storage outages are retried with back-off for as long as
 * they last (rows are idempotent, so re-reading a file is safe; the file stays in the inbox meanwhile,
 * and the source's last error says why); a file that cannot be read at all is recorded as a dead letter
 * with its reason and moved aside by the file endpoint, never deleted; so is a file whose import failed
 * for any other reason (a defect), named by the exception's type only (its message may carry a row's values).
 */
@Component
class SourceErrorHandling extends RouteConfigurationBuilder {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SourceErrorHandling.class);

    static final String ID = "tessera-source-errors";

    private final DeadLetterStore deadLetters;

    private final long firstRetryDelayMs;

    @org.springframework.beans.factory.annotation.Autowired
    SourceErrorHandling(DeadLetterStore deadLetters) {
        this(deadLetters, 500);
    }

    /** With another first delay between attempts (tests: the back-off doubles from it). */
    SourceErrorHandling(DeadLetterStore deadLetters, long firstRetryDelayMs) {
        this.deadLetters = deadLetters;
        this.firstRetryDelayMs = firstRetryDelayMs;
    }

    @Override
    public void configuration() {
        routeConfiguration(ID)
                .onException(RedisException.class)
                        .maximumRedeliveries(5).redeliveryDelay(firstRetryDelayMs).useExponentialBackOff().backOffMultiplier(2)
                        .logExhaustedMessageHistory(false)
                .end()
                .onException(MalformedFileException.class)
                        .logExhaustedMessageHistory(false)
                        .process(exchange -> recordFailedFile(exchange, rejected(exchange)))
                .end();
        routeConfiguration(FOLDER_ID)
                // Exception, not RedisException: Camel picks a clause by the innermost cause first, and a
                // connection lost mid-command is a RedisException around an IOException
                .onException(Exception.class)
                        .onWhen(exchange -> isOutage(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class)))
                        // an outage of the store is waited out: giving up moved a half-imported file aside
                        // (webhooks answer 5xx instead, so that the vendor retries: they keep ID's five)
                        .maximumRedeliveries(-1).redeliveryDelay(firstRetryDelayMs).useExponentialBackOff().backOffMultiplier(2)
                        .maximumRedeliveryDelay(MAX_OUTAGE_BACKOFF_MS)
                        .retryAttemptedLogLevel(org.apache.camel.LoggingLevel.WARN)
                        .logExhaustedMessageHistory(false)
                .end()
                .onException(MalformedFileException.class)
                        .logExhaustedMessageHistory(false)
                        .process(exchange -> recordFailedFile(exchange, rejected(exchange)))
                .end()
                .onException(Exception.class)
                        .onWhen(exchange -> !isOutage(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class)))
                        // Camel's own log would print the exception's message, which may hold a row's values
                        .logExhausted(false)
                        .process(exchange -> recordFailedFile(exchange, "file not imported: "
                                + exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class).getClass().getSimpleName()
                                + " (rows before it are stored; move the file back into the inbox to import the rest)"))
                .end();
    }

    /** Error handling of folder routes: {@link #ID}'s, but storage outages are waited out and defects recorded. */
    static final String FOLDER_ID = "tessera-folder-errors";

    private static String rejected(Exchange exchange) {
        return "file rejected: " + exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class).getMessage();
    }

    /**
     * True for a store outage that passes: no connection, a timeout, or Redis saying it cannot serve yet
     * (loading, busy script, cluster failover). An error Redis gives every time (a wrong type, a script
     * error, out of memory) is a defect: retried for ever it would hold the folder route on one file.
     */
    static boolean isOutage(Throwable e) {
        boolean redis = false;
        boolean lost = false;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof io.lettuce.core.RedisCommandExecutionException) {
                // an error Redis answered: an outage only while it cannot serve (loading, failover, disk)
                return t.getMessage() != null
                        && t.getMessage().matches("(?s)(LOADING|BUSY|TRYAGAIN|CLUSTERDOWN|MASTERDOWN|READONLY|MISCONF).*");
            }
            if (t instanceof io.lettuce.core.RedisConnectionException
                    || t instanceof io.lettuce.core.RedisCommandTimeoutException
                    || t instanceof io.lettuce.core.RedisCommandInterruptedException) {
                return true;
            }
            redis |= t instanceof RedisException;
            lost |= t instanceof java.io.IOException;
        }
        // a RedisException around a lost connection, or a bare one ("Connection closed")
        return redis && (lost || e instanceof RedisException && e.getCause() == null);
    }

    /** Longest wait between two attempts while the store is unreachable. */
    static final long MAX_OUTAGE_BACKOFF_MS = 30_000;

    /** A file moved to .failed: one dead letter per file (its name is in the kept text, so two files are two). */
    private void recordFailedFile(Exchange exchange, String reason) {
        String file = exchange.getIn().getHeader(Exchange.FILE_NAME, String.class);
        if (file == null) {
            return; // not a file route: the route's own handling keeps the payload
        }
        deadLetters.add(exchange.getFromRouteId(), file, reason,
                "(the whole file " + file + ", kept in the inbox's .failed folder)");
        LOG.warn("{}: file {} moved to .failed: {}", exchange.getFromRouteId(), file, reason);
    }
}
