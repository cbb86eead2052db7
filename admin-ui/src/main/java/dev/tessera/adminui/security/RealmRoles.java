package dev.tessera.adminui.security;

import com.nimbusds.jwt.JWTParser;
import java.text.ParseException;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserRequest;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserService;
import org.springframework.security.oauth2.client.userinfo.OAuth2UserService;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.oidc.user.DefaultOidcUser;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;

/**
 * The signed-in user with the realm roles of their access token ({@code realm_access.roles}, where
 * Keycloak puts them; its ID token does not carry them by default) as {@code ROLE_<role>} authorities,
 * the same claim the APIs read. The access token comes straight from Keycloak's token endpoint over the
 * back channel, authenticated with the client secret, so it is read here without another signature
 * check; the profile service verifies it on every call. The name shown is {@code preferred_username}.
 */
final class RealmRoles implements OAuth2UserService<OidcUserRequest, OidcUser> {

    private final OidcUserService standard = new OidcUserService();

    @Override
    public OidcUser loadUser(OidcUserRequest request) {
        OidcUser user = standard.loadUser(request);
        Set<GrantedAuthority> authorities = new LinkedHashSet<>(user.getAuthorities());
        roles(request.getAccessToken().getTokenValue())
                .forEach(role -> authorities.add(new SimpleGrantedAuthority("ROLE_" + role)));
        String nameClaim = user.getClaims().containsKey("preferred_username") ? "preferred_username" : "sub";
        return new DefaultOidcUser(authorities, user.getIdToken(), user.getUserInfo(), nameClaim);
    }

    static List<String> roles(String accessToken) {
        try {
            Object realmAccess = JWTParser.parse(accessToken).getJWTClaimsSet().getClaim("realm_access");
            if (realmAccess instanceof Map<?, ?> access && access.get("roles") instanceof Collection<?> roles) {
                return roles.stream().filter(String.class::isInstance).map(String.class::cast).toList();
            }
            return List.of();
        } catch (ParseException e) {
            throw new OAuth2AuthenticationException(new OAuth2Error("invalid_token",
                    "the access token from Keycloak is not a JWT", null));
        }
    }
}
