package dev.tessera.security;

/** The realm roles of Keycloak realm {@code tessera}, as the services check them. */
public final class Roles {

    public static final String AGENT = "cdp-agent";
    public static final String MARKETER = "cdp-marketer";
    public static final String INTEGRATOR = "cdp-integrator";
    public static final String ADMIN = "cdp-admin";

    private Roles() {
    }
}
