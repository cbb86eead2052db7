package dev.tessera.security;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpHeaders;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.BearerTokenErrors;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;

/**
 * Finds the access token in the {@code Authorization: Bearer <token>} header (RFC 6750 section 2.1) and
 * nowhere else: tokens in query or form parameters are not looked at, as with Spring's default.
 *
 * <p>Accepts and refuses exactly what Spring's {@code DefaultBearerTokenResolver} does for the header
 * (the scheme in any case, one space, then a {@code b64token}: letters, digits, {@code -._~+/}, then
 * {@code =} padding only), without its regular expression: the check runs on every request over a token
 * of a kilobyte or more, and a character loop costs a fraction of the case-insensitive pattern.
 * A header of another scheme gives no token (the request is anonymous and gets a 401); a malformed
 * bearer header is refused as an invalid token.
 */
public final class BearerHeaderResolver implements BearerTokenResolver {

    private static final String SCHEME = "bearer";

    @Override
    public String resolve(HttpServletRequest request) {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return null;
        }
        int start = SCHEME.length() + 1;
        if (header.length() <= start || header.charAt(SCHEME.length()) != ' ' || !isB64Token(header, start)) {
            throw new OAuth2AuthenticationException(BearerTokenErrors.invalidToken("Bearer token is malformed"));
        }
        return header.substring(start);
    }

    /** {@code 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="} from {@code start} to the end. */
    static boolean isB64Token(String s, int start) {
        int i = start;
        int n = s.length();
        while (i < n && isTokenChar(s.charAt(i))) {
            i++;
        }
        if (i == start) {
            return false;
        }
        while (i < n && s.charAt(i) == '=') {
            i++;
        }
        return i == n;
    }

    private static boolean isTokenChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
    }
}
