package dev.tessera.adminui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.boot.test.context.SpringBootTest.WebEnvironment.RANDOM_PORT;

import dev.tessera.core.identity.DeterministicResolver;
import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.Identifier;
import dev.tessera.core.model.SourceRecordId;
import dev.tessera.core.normalize.Identifiers;
import dev.tessera.core.profile.GoldenRecordBuilder;
import dev.tessera.core.store.ProfileStore;
import dev.tessera.core.store.RedisConnection;
import dev.tessera.core.testing.RedisTestSupport;
import dev.tessera.security.testing.KeycloakTestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Signing in to admin-ui through the real Keycloak server with the repository's realm, in Chromium: the
 * agent is sent to Keycloak's login page, comes back signed in, and the profile service (in keycloak
 * mode, validating Keycloak's tokens) answers with the customer, which proves the user's own token is
 * relayed. A marketer signs in, is refused the customer search and sees a profile masked; signing out ends
 * the Keycloak session.
 */
@SpringBootTest(webEnvironment = RANDOM_PORT)
@ActiveProfiles("test")
@ExtendWith(AgentFindsCustomerBrowserIT.BrowserInstalled.class)
class KeycloakSignInBrowserIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Identifiers IDENTIFIERS = new Identifiers("GB");

    private static KeycloakTestServer keycloak;
    private static InProcessProfileService profileService;
    private static WebDriver browser;
    private static String graceId;

    @TempDir
    static Path scratch;

    @LocalServerPort
    int port;

    private WebDriverWait wait;

    @DynamicPropertySource
    static void keycloakMode(DynamicPropertyRegistry registry) throws IOException {
        keycloak = KeycloakTestServer.get();
        List<String> security = List.of("--tessera.security.mode=keycloak",
                "--tessera.security.issuer-uri=" + keycloak.issuer());
        profileService = new InProcessProfileService(security);
        Path secret = Files.writeString(scratch.resolve("admin-ui-client-secret"), KeycloakTestServer.ADMIN_UI_SECRET);
        registry.add("tessera.profile-service.url", profileService::url);
        registry.add("tessera.security.mode", () -> "keycloak");
        registry.add("tessera.security.issuer-uri", keycloak::issuer);
        registry.add("tessera.oidc.client-secret", () -> "file:" + secret);
    }

    @BeforeAll
    static void seedOnePersonAndOpenTheBrowser() {
        RedisTestSupport.flush();
        try (RedisConnection connection = RedisTestSupport.connect()) {
            DeterministicResolver resolver =
                    new DeterministicResolver(new ProfileStore(connection), new GoldenRecordBuilder(), Clock.systemUTC());
            Identifier email = IDENTIFIERS.email("grace.hopper@example.com").orElseThrow();
            graceId = resolver.resolve(new CustomerRecord(new SourceRecordId("crm", "7"),
                    Instant.parse("2025-02-01T00:00:00Z"), List.of(email),
                    Map.of("first_name", "Grace", "last_name", "Hopper"))).profileId().value();
        }
        browser = AgentFindsCustomerBrowserIT.openBrowser(scratch.resolve("chromium"));
    }

    @AfterAll
    static void quitTheBrowserAndStopTheProfileService() {
        try {
            if (browser != null) {
                browser.quit();
                browser = null;
            }
        } finally {
            profileService.stop();
        }
    }

    @BeforeEach
    void freshBrowserSession() {
        wait = new WebDriverWait(browser, WAIT);
        // Selenium deletes the cookies the current page sees only: forget both Keycloak's session (its
        // cookies are scoped to the realm's path) and admin-ui's
        browser.get(keycloak.issuer() + "/.well-known/openid-configuration");
        browser.manage().deleteAllCookies();
        browser.get(adminUi("/actuator/health"));
        browser.manage().deleteAllCookies();
    }

    @Test
    void anAgentSignsInAtKeycloakAndSeesTheCustomerThenSignsOut() {
        browser.get(adminUi("/profiles/" + graceId));
        signInAtKeycloak("alice.agent", "demo-only-agent");

        // back where the agent wanted to go, with the profile the service served for the agent's token
        wait.until(ExpectedConditions.textToBe(By.cssSelector("[data-testid=profile-id]"), graceId));
        assertThat(testId("profile-name").getText()).isEqualTo("Grace Hopper");
        assertThat(testId("current-user").getText()).isEqualTo("alice.agent");
        assertThat(testId("current-roles").getText()).contains("cdp-agent");

        testId("sign-out").click();
        // Keycloak ends its session and sends the browser back to admin-ui, which asks for a login again
        wait.until(ExpectedConditions.elementToBeClickable(By.id("username")));
        assertThat(browser.getCurrentUrl()).startsWith(keycloak.issuer());
        browser.get(adminUi("/"));
        wait.until(ExpectedConditions.elementToBeClickable(By.id("username")));
        assertThat(browser.getCurrentUrl()).startsWith(keycloak.issuer());
    }

    @Test
    void aMarketerSignsInSeesAProfileMaskedAndIsRefusedTheSearch() {
        browser.get(adminUi("/profiles/" + graceId));
        signInAtKeycloak("mark.marketer", "demo-only-marketer");

        // marketers open profiles from a segment's members; the service masks them for the marketer's token
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid=masked]")));
        assertThat(testId("profile-id").getText()).isEqualTo(graceId);
        assertThat(browser.getPageSource()).doesNotContain("Hopper");
        assertThat(testId("current-user").getText()).isEqualTo("mark.marketer");

        browser.get(adminUi("/profiles?email=grace.hopper%40example.com"));
        WebElement title = wait.until(
                ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid=message-title]")));
        assertThat(title.getText()).isEqualTo("Not allowed for your role");
    }

    @Test
    void aWrongPasswordStaysAtKeycloak() {
        browser.get(adminUi("/"));
        signInAtKeycloak("alice.agent", "not-the-password");

        // Keycloak's own page says so (its wording, whatever element its theme puts it in)
        wait.until(driver -> driver.getPageSource().contains("Invalid username or password"));
        assertThat(browser.getCurrentUrl()).startsWith(keycloak.issuer());
        assertThat(browser.findElements(By.cssSelector("[data-testid=current-user]"))).isEmpty();
    }

    private void signInAtKeycloak(String username, String password) {
        WebElement user = wait.until(ExpectedConditions.elementToBeClickable(By.id("username")));
        assertThat(browser.getCurrentUrl()).startsWith(keycloak.issuer() + "/protocol/openid-connect/auth")
                .contains("code_challenge_method=S256");
        user.sendKeys(username);
        browser.findElement(By.id("password")).sendKeys(password);
        browser.findElement(By.id("kc-login")).click();
    }

    private String adminUi(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    private static WebElement testId(String testId) {
        return browser.findElement(By.cssSelector("[data-testid='" + testId + "']"));
    }
}
