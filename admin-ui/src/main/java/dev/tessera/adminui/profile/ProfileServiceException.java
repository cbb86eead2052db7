package dev.tessera.adminui.profile;

import org.springframework.http.HttpStatus;

/**
 * The profile service could not answer usefully: unreachable, failing, or answering outside its contract.
 * The message never contains request data (the failed URL would carry an email or phone number).
 */
class ProfileServiceException extends RuntimeException {

    private final HttpStatus status;

    ProfileServiceException(HttpStatus status, String message) {
        super(message);
        this.status = status;
    }

    /**
     * What the UI answers: 503 when the service is down or failing, 502 for an answer it cannot use, 409 for
     * an id the service will not follow (merged into a profile split since).
     */
    HttpStatus status() {
        return status;
    }
}
