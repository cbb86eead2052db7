package dev.tessera.adminui.profile;

/** The profile service rejected the search input; the message is its explanation, fit to show the user. */
class InvalidSearchException extends RuntimeException {

    InvalidSearchException(String detail) {
        super(detail, null, false, false);
    }
}
