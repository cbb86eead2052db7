package dev.tessera.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;

/** The header resolver against Spring's default one: the same token, the same refusals, case by case. */
class BearerHeaderResolverTest {

    private final BearerHeaderResolver resolver = new BearerHeaderResolver();
    private final DefaultBearerTokenResolver spring = new DefaultBearerTokenResolver();

    private static MockHttpServletRequest withHeader(String value) {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/v1/profiles/x");
        if (value != null) {
            request.addHeader("Authorization", value);
        }
        return request;
    }

    private static Object outcome(BearerTokenResolver r, MockHttpServletRequest request) {
        try {
            return r.resolve(request);
        } catch (OAuth2AuthenticationException e) {
            return "refused: " + e.getError().getErrorCode();
        }
    }

    @Test
    void agreesWithSpringsResolverOnEveryCase() {
        List<String> headers = java.util.Arrays.asList(null, "", "Bearer abc.def-ghi_jkl~mno+pqr/stu", "bearer abc",
                "BEARER abc==", "Bearer abc=", "Bearer a=b", "Bearer ", "Bearer", "Bearerabc", "Bearer  abc",
                "Bearer abc def", "Bearer abc\t", "Bearer ab%cd", "Bearer =", "Basic dXNlcjpwYXNz", "Token abc",
                "Bearer ab\u00e9c", "Bearer " + "x".repeat(4096) + "==", " Bearer abc", "Bearer abc\n");
        for (String header : headers) {
            Object ours = outcome(resolver, withHeader(header));
            Object theirs = outcome(spring, withHeader(header));
            assertThat(ours).as("header [%s]", header).isEqualTo(theirs);
        }
    }

    @Test
    void aWellFormedHeaderGivesItsToken() {
        assertThat(resolver.resolve(withHeader("Bearer eyJ.abc.d-_f=="))).isEqualTo("eyJ.abc.d-_f==");
    }

    @Test
    void aMalformedBearerHeaderIsAnInvalidToken() {
        assertThatThrownBy(() -> resolver.resolve(withHeader("Bearer not a token")))
                .isInstanceOf(OAuth2AuthenticationException.class)
                .extracting(e -> ((OAuth2AuthenticationException) e).getError().getErrorCode())
                .isEqualTo("invalid_token");
    }

    @Test
    void tokensInParametersAreNotLookedAt() {
        MockHttpServletRequest request = withHeader(null);
        request.setParameter("access_token", "abc");
        assertThat(resolver.resolve(request)).isNull();
    }
}
