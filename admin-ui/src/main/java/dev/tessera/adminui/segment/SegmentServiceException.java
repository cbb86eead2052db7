package dev.tessera.adminui.segment;

import org.springframework.http.HttpStatus;

/**
 * The profile service could not serve a segments call: unreachable, failing, or answering outside its
 * contract. The message never carries request data.
 */
class SegmentServiceException extends RuntimeException {

    private final HttpStatus status;

    SegmentServiceException(HttpStatus status, String message) {
        super(message);
        this.status = status;
    }

    /** 503 when the service is down or failing, 502 for an answer the page cannot use. */
    HttpStatus status() {
        return status;
    }
}
