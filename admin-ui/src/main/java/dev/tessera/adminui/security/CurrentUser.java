package dev.tessera.adminui.security;

import dev.tessera.security.Roles;
import java.util.List;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/** Who is signed in, for the page header (name and roles; staff identity, not customer data). */
@ControllerAdvice
class CurrentUser {

    /** Public, with public accessors: the templates' expressions call them reflectively. */
    public record View(String name, List<String> roles) {

        /** Sees the customer search and profiles. */
        public boolean agent() {
            return roles.contains(Roles.AGENT) || roles.contains(Roles.ADMIN);
        }

        /** Sees the CX dashboard and the segments. */
        public boolean marketer() {
            return roles.contains(Roles.MARKETER) || roles.contains(Roles.ADMIN);
        }

        /** Sees the sources console. */
        public boolean integrator() {
            return roles.contains(Roles.INTEGRATOR) || roles.contains(Roles.ADMIN);
        }
    }

    @ModelAttribute("currentUser")
    View currentUser(Authentication authentication) {
        if (authentication == null || authentication instanceof AnonymousAuthenticationToken
                || !authentication.isAuthenticated()) {
            return null;
        }
        List<String> roles = authentication.getAuthorities().stream()
                .map(GrantedAuthority::getAuthority)
                .filter(authority -> authority.startsWith("ROLE_"))
                .map(authority -> authority.substring(5))
                .sorted()
                .toList();
        return new View(authentication.getName(), roles);
    }
}
