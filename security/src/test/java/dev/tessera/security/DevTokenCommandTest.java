package dev.tessera.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevTokenCommandTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void printsATokenOfTheDemoKeyForTheRole() throws Exception {
        Path key = dir.resolve("signing-key.jwk");
        DevSigningKey.loadOrCreate(key);

        assertThat(run(key.toString(), Roles.MARKETER)).isZero();

        SignedJWT token = SignedJWT.parse(out.toString(StandardCharsets.UTF_8).strip());
        JWTClaimsSet claims = token.getJWTClaimsSet();
        assertThat(claims.getIssuer()).isEqualTo(DevSigningKey.ISSUER);
        assertThat(claims.getSubject()).isEqualTo("demo-marketer");
        assertThat(claims.getAudience()).containsExactly("tessera-api");
        assertThat(claims.getClaim("realm_access")).isEqualTo(Map.of("roles", List.of(Roles.MARKETER)));
        assertThat(token.verify(new com.nimbusds.jose.crypto.RSASSAVerifier(
                DevSigningKey.loadOrCreate(key).publicKey()))).isTrue();
    }

    @Test
    void neverCreatesAKeyAndRefusesUnknownRoles() {
        Path missing = dir.resolve("none.jwk");

        assertThat(run(missing.toString(), Roles.AGENT)).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("start the demo first");
        assertThat(missing).doesNotExist();

        assertThat(run(missing.toString(), "root")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown role 'root'");
        assertThat(out.size()).isZero();
    }

    private int run(String... args) {
        return DevTokenCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }
}
