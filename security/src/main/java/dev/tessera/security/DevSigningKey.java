package dev.tessera.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The dev mode's RSA signing key: a JWK file that the apps of one demo (or one test JVM) share. The
 * first app to need it creates it; creation is atomic, so apps starting together agree on one key.
 * Tokens signed with it carry the issuer {@link #ISSUER}, which no Keycloak realm can have, so a
 * service in keycloak mode never accepts them.
 */
public final class DevSigningKey {

    /** The {@code iss} of dev tokens. */
    public static final String ISSUER = "urn:tessera:dev-login";

    private final RSAKey key;

    private DevSigningKey(RSAKey key) {
        this.key = key;
    }

    /** Reads the key at {@code file}, creating it (owner-readable only) when there is none. */
    public static DevSigningKey loadOrCreate(Path file) {
        try {
            if (!Files.exists(file)) {
                create(file);
            }
            return new DevSigningKey(RSAKey.parse(Files.readString(file, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the dev signing key " + file, e);
        } catch (ParseException e) {
            throw new IllegalStateException("the dev signing key " + file + " is not an RSA JWK; delete it to get a new one", e);
        }
    }

    private static void create(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        RSAKey generated;
        try {
            generated = new RSAKeyGenerator(2048).keyUse(KeyUse.SIGNATURE).keyID("dev-" + UUID.randomUUID())
                    .algorithm(JWSAlgorithm.RS256).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate an RSA key", e);
        }
        Path tmp = Files.createTempFile(dir, ".signing-key", ".tmp");
        try {
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                // the temp file is created owner-only where the file system allows it
            }
            Files.writeString(tmp, generated.toJSONString(), StandardCharsets.UTF_8);
            try {
                // a hard link fails when the file exists: whoever links first wins, the others read theirs
                Files.createLink(file, tmp);
            } catch (FileAlreadyExistsException lost) {
                // another app created it meanwhile
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    public RSAPublicKey publicKey() {
        try {
            return key.toRSAPublicKey();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A token for {@code subject} with these realm roles, shaped like Keycloak's. */
    public String mint(String subject, Collection<String> roles, String audience, Duration lifetime) {
        Instant now = Instant.now();
        return sign(new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .subject(subject)
                .audience(audience)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(lifetime)))
                .jwtID(UUID.randomUUID().toString())
                .claim("preferred_username", subject)
                .claim("realm_access", Map.of("roles", List.copyOf(roles)))
                .build());
    }

    /** Signs any claims (tests use it for expired tokens, wrong audiences and issuers). */
    public String sign(JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT)
                    .keyID(key.getKeyID()).build(), claims);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a dev token", e);
        }
    }
}
