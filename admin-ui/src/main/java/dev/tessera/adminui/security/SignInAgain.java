package dev.tessera.adminui.security;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.oauth2.client.ClientAuthorizationException;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;

/**
 * The user's Keycloak session ended (signed out elsewhere, its maximum lifespan reached, Keycloak restarted)
 * while the browser session here lives on: refreshing the token relayed to the services fails, and Spring
 * forgets the stored token. Instead of an error page, the user signs in again (the next request would have
 * asked for that anyway). Whatever the failed request was about (a merge's reason, say) is not sent.
 */
@ControllerAdvice
class SignInAgain {

    private static final Logger log = LoggerFactory.getLogger(SignInAgain.class);

    @ExceptionHandler(ClientAuthorizationException.class)
    String signInAgain(ClientAuthorizationException e) {
        log.info("token refresh refused ({}): asking the user to sign in again", e.getError().getErrorCode());
        return "redirect:/oauth2/authorization/" + e.getClientRegistrationId();
    }
}
