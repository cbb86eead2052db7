package dev.tessera.adminui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.boot.test.context.SpringBootTest.WebEnvironment.RANDOM_PORT;

import dev.tessera.core.identity.DeterministicResolver;
import dev.tessera.core.identity.IdentitySettings;
import dev.tessera.core.identity.ProfileResolver;
import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.Identifier;
import dev.tessera.core.model.SourceRecordId;
import dev.tessera.core.normalize.Identifiers;
import dev.tessera.core.profile.GoldenRecordBuilder;
import dev.tessera.core.store.ProfileStore;
import dev.tessera.core.store.RedisConnection;
import dev.tessera.core.testing.RedisTestSupport;
import dev.tessera.security.testing.TestTokens;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Issue 2 as an agent lives it, in a real browser: Debian's headless Chromium, driven by Selenium through
 * {@code /usr/bin/chromedriver}, against the admin UI and the real profile service (started in this JVM)
 * over the real test Redis. The agent types a customer's email, clicks Find, opens the one result and sees
 * the unified profile.
 *
 * <p>Without {@code /usr/bin/chromium} or {@code /usr/bin/chromedriver} the tests are skipped, unless the
 * environment sets {@code TESSERA_REQUIRE_BROWSER=true} (as .ci/run does), in which case they fail.
 */
@SpringBootTest(webEnvironment = RANDOM_PORT)
@ActiveProfiles("test")
@ExtendWith(AgentFindsCustomerBrowserIT.BrowserInstalled.class)
class AgentFindsCustomerBrowserIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration WAIT = Duration.ofSeconds(20);

    private static final Instant JANUARY = Instant.parse("2025-01-01T00:00:00Z");
    private static final Identifiers IDENTIFIERS = new Identifiers("GB");

    private static final InProcessProfileService profileService = new InProcessProfileService();
    private static WebDriver browser;
    private static String adaId;
    private static String graceId;
    private static String phoneOnlyGraceId;

    /** A fresh Chromium profile for this run, removed afterwards. */
    @TempDir
    static Path browserProfile;

    @LocalServerPort
    int port;

    private WebDriverWait wait;

    @DynamicPropertySource
    static void pointAtProfileService(DynamicPropertyRegistry registry) {
        registry.add("tessera.profile-service.url", profileService::url);
        TestTokens.properties().forEach((key, value) -> registry.add(key, () -> value));
    }

    @BeforeAll
    static void seedOnePersonAndOpenTheBrowser() {
        RedisTestSupport.flush();
        try (RedisConnection connection = RedisTestSupport.connect()) {
            DeterministicResolver resolver =
                    new DeterministicResolver(new ProfileStore(connection), new GoldenRecordBuilder(), Clock.systemUTC());
            Identifier email = IDENTIFIERS.email("ada.lovelace@example.com").orElseThrow();
            // The CRM and the shop both know Ada by the same email; the shop's record is older, so the CRM's
            // first name is the golden one, while the city only the shop has still shows.
            adaId = resolver.resolve(record("crm", "101", JANUARY.plus(Duration.ofDays(31)), List.of(email),
                    Map.of("first_name", "Ada", "last_name", "Lovelace"))).profileId().value();
            String shopProfileId = resolver.resolve(record("shop", "5501", JANUARY,
                    List.of(email, IDENTIFIERS.phone("020 7946 0018").orElseThrow()),
                    Map.of("first_name", "Augusta", "city", "London"))).profileId().value();
            assertThat(shopProfileId).as("the shop's record joins the CRM's profile").isEqualTo(adaId);

            // three Grace Hoppers in London, resolved as ingestion does: the one known only by phone stays on
            // its own (the name is common there), which the agent finds among the possible duplicates
            ProfileResolver matcher = IdentitySettings.defaults().resolver(new ProfileStore(connection),
                    Clock.systemUTC());
            Map<String, String> grace = Map.of("first_name", "Grace", "last_name", "Hopper", "city", "London");
            graceId = matcher.resolve(record("crm", "g1", JANUARY,
                    List.of(IDENTIFIERS.email("grace.hopper1906@example.com").orElseThrow()), grace)).profileId().value();
            Map<String, String> born = new java.util.HashMap<>(grace);
            born.put("birth_date", "1984-03-02");
            matcher.resolve(record("crm", "g2", JANUARY, List.of(IDENTIFIERS.email("grace.hopper2217@example.com")
                    .orElseThrow(), IDENTIFIERS.phone("07700 902217").orElseThrow()), born));
            phoneOnlyGraceId = matcher.resolve(record("shop", "g3", JANUARY,
                    List.of(IDENTIFIERS.phone("07700 903345").orElseThrow()), grace)).profileId().value();
            assertThat(phoneOnlyGraceId).isNotEqualTo(graceId);
        }

        browser = openBrowser(browserProfile);
    }

    /** Headless Debian Chromium through its chromedriver, with its own profile folder. */
    static WebDriver openBrowser(Path profileFolder) {
        ChromeDriverService driverService = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profileFolder.toAbsolutePath());
        try {
            return new ChromeDriver(driverService, options);
        } catch (RuntimeException e) {
            driverService.stop();
            throw e;
        }
    }

    @AfterAll
    static void quitTheBrowserAndStopTheProfileService() {
        try {
            if (browser != null) {
                browser.quit(); // also stops the chromedriver process it started
                browser = null;
            }
        } finally {
            profileService.stop();
        }
    }

    @BeforeEach
    void openTheSearchPage() {
        wait = new WebDriverWait(browser, WAIT);
        browser.get("http://127.0.0.1:" + port + "/");
        if (!browser.getTitle().contains("Find a customer")) {
            // the first visit lands on the dev login: the agent signs in as a person would
            wait.until(ExpectedConditions.elementToBeClickable(By.id("username"))).sendKeys("alice.agent");
            browser.findElement(By.id("password")).sendKeys("demo-only-agent");
            browser.findElement(By.cssSelector("button[type=submit]")).click();
        }
        wait.until(ExpectedConditions.titleContains("Find a customer"));
        assertThat(testId("current-user").getText()).isEqualTo("alice.agent");
    }

    @Test
    void agentTypesAnEmailAndSeesThatProfile() {
        search("Ada.LOVELACE@Example.COM");

        List<WebElement> results = wait.until(
                ExpectedConditions.numberOfElementsToBe(By.cssSelector("[data-testid=result]"), 1));
        assertThat(results.get(0).getText()).contains("Ada Lovelace").contains("2 source record(s)");
        results.get(0).findElement(By.cssSelector("[data-testid=result-link]")).click();

        wait.until(ExpectedConditions.textToBe(By.cssSelector("[data-testid=profile-id]"), adaId));
        assertThat(browser.getCurrentUrl()).endsWith("/profiles/" + adaId);
        assertThat(testId("profile-name").getText()).isEqualTo("Ada Lovelace");

        WebElement firstName = testId("attribute-first_name");
        assertThat(firstName.findElement(By.cssSelector("td.value")).getText()).isEqualTo("Ada");
        assertThat(firstName.getText()).contains("crm:101");
        assertThat(testId("attribute-city").findElement(By.cssSelector("td.value")).getText()).isEqualTo("London");

        assertThat(testIds("source-record").stream()
                .map(row -> row.findElements(By.tagName("td")).stream().limit(2).map(WebElement::getText).toList()))
                .containsExactlyInAnyOrder(List.of("crm", "101"), List.of("shop", "5501"));

        assertThat(testIds("identifier").stream()
                .map(identifier -> identifier.findElements(By.tagName("span")).get(1).getText()))
                .containsExactlyInAnyOrder("ada.lovelace@example.com", "+442079460018");
    }

    @Test
    void agentSeesAPossibleDuplicateWithTheReasonAndOpensIt() {
        search("grace.hopper1906@example.com");
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("[data-testid=result]"), 1)).get(0)
                .findElement(By.cssSelector("[data-testid=result-link]")).click();
        wait.until(ExpectedConditions.textToBe(By.cssSelector("[data-testid=profile-id]"), graceId));

        WebElement possible = wait.until(
                ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid=possible-matches]")));
        List<WebElement> rows = possible.findElements(By.cssSelector("[data-testid=possible-match]"));
        assertThat(rows).hasSize(2);
        WebElement phoneOnly = rows.stream().filter(r -> r.getText().contains(phoneOnlyGraceId)).findFirst().orElseThrow();
        assertThat(phoneOnly.getDomAttribute("data-verdict")).isEqualTo("common-name");
        assertThat(phoneOnly.getText()).contains("others share that name there").contains("city exact");

        phoneOnly.findElement(By.tagName("a")).click();
        wait.until(ExpectedConditions.textToBe(By.cssSelector("[data-testid=profile-id]"), phoneOnlyGraceId));
        assertThat(testIds("identifier").stream().map(i -> i.findElements(By.tagName("span")).get(1).getText()))
                .containsExactly("+447700903345");

        // the agent confirmed on the phone that this is the Grace with the email: one profile from now on
        WebElement back = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("[data-testid=possible-match][data-verdict=common-name]")));
        assertThat(back.getText()).contains(graceId);
        back.findElement(By.name("reason")).sendKeys("confirmed on the phone");
        back.findElement(By.cssSelector("[data-testid=merge]")).click();
        wait.until(ExpectedConditions.textToBe(By.cssSelector("[data-testid=profile-id]"), graceId));
        assertThat(testId("notice").getText()).contains("one now");
        assertThat(testIds("identifier").stream().map(i -> i.findElements(By.tagName("span")).get(1).getText()))
                .containsExactlyInAnyOrder("grace.hopper1906@example.com", "+447700903345");
        assertThat(testIds("source-record")).hasSize(2);

        // on second thought it was not her: the agent moves the shop's record out again, and matching keeps
        // them apart from now on (the possible duplicate says so)
        testIds("source-record").stream().filter(r -> r.getText().contains("shop")).findFirst().orElseThrow()
                .findElement(By.cssSelector("[data-testid=move-out]")).click();
        testId("split").click();
        WebElement notice = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid=notice]")));
        assertThat(notice.getText()).contains("1 record(s) moved to");
        assertThat(testIds("source-record")).hasSize(1);
        assertThat(testIds("identifier").stream().map(i -> i.findElements(By.tagName("span")).get(1).getText()))
                .containsExactly("grace.hopper1906@example.com");
        WebElement keptApart = testIds("possible-match").stream().filter(r -> !r.findElements(
                By.cssSelector("[data-testid=kept-apart]")).isEmpty()).findFirst().orElseThrow();
        assertThat(keptApart.getText()).contains("kept apart by an agent");

        // merging it back takes a reason and a ticked box: the browser does not send the form without it
        keptApart.findElement(By.cssSelector("input[name=reason]")).sendKeys("she confirmed it after all");
        WebElement confirm = keptApart.findElement(By.cssSelector("input[name=overrideKeptApart]"));
        assertThat(confirm.getDomProperty("validationMessage")).as("the box must be ticked").isNotEmpty();
        testIds("possible-match").stream().filter(r -> !r.findElements(By.cssSelector("[data-testid=kept-apart]")).isEmpty())
                .findFirst().orElseThrow().findElement(By.cssSelector("input[name=overrideKeptApart]")).click();
        testIds("possible-match").stream().filter(r -> !r.findElements(By.cssSelector("[data-testid=kept-apart]")).isEmpty())
                .findFirst().orElseThrow().findElement(By.cssSelector("[data-testid=merge]")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid=notice]")));
        assertThat(testId("notice").getText()).contains("one now");
        assertThat(testIds("source-record")).hasSize(2);
    }

    @Test
    void agentTypesAnEmailNobodyHasAndIsToldSo() {
        search("Nobody@Example.com");

        WebElement noResults = wait.until(
                ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid=no-results]")));
        assertThat(noResults.getText()).isEqualTo("No profile found for that email.");
        assertThat(testIds("result")).isEmpty();
        assertThat(browser.findElements(By.cssSelector("[data-testid=search-error]"))).isEmpty();
    }

    /** Types into the field labelled "Customer email" and clicks Find, as an agent would. */
    private void search(String email) {
        WebElement label = browser.findElement(By.xpath("//label[normalize-space()='Customer email']"));
        WebElement field = wait.until(ExpectedConditions.elementToBeClickable(By.id(label.getDomAttribute("for"))));
        field.clear();
        field.sendKeys(email);
        browser.findElement(By.xpath("//form[@data-testid='search-form']//button[normalize-space()='Find']")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("[data-testid=results]")));
    }

    private static WebElement testId(String testId) {
        return browser.findElement(By.cssSelector("[data-testid='" + testId + "']"));
    }

    private static List<WebElement> testIds(String testId) {
        return browser.findElements(By.cssSelector("[data-testid='" + testId + "']"));
    }

    /** What is missing of Debian's Chromium and its driver, as a message for the test report. */
    private static Optional<String> missingBrowser() {
        List<String> missing = Stream.of(CHROMIUM, CHROMEDRIVER)
                .filter(path -> !Files.isExecutable(path))
                .map(Path::toString)
                .toList();
        return missing.isEmpty()
                ? Optional.empty()
                : Optional.of("Browser test needs " + String.join(" and ", missing)
                        + ": install chromium and chromium-driver (apt-get install -y chromium chromium-driver)");
    }

    /**
     * Skips the class when Debian's Chromium or its driver is missing, or fails it instead when the
     * environment sets {@code TESSERA_REQUIRE_BROWSER=true}. Deciding before the class runs keeps the Spring
     * context and the profile service from starting for nothing, and Surefire then lists each test as
     * skipped with this reason (an assumption failing in {@code @BeforeAll} would leave no trace in the report).
     */
    static final class BrowserInstalled implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            Optional<String> missing = missingBrowser();
            if (missing.isEmpty()) {
                return ConditionEvaluationResult.enabled("chromium and chromedriver are installed");
            }
            if ("true".equalsIgnoreCase(System.getenv("TESSERA_REQUIRE_BROWSER"))) {
                throw new IllegalStateException(
                        missing.get() + " - TESSERA_REQUIRE_BROWSER=true, so this fails instead of being skipped");
            }
            return ConditionEvaluationResult.disabled(missing.get());
        }
    }

    private static CustomerRecord record(String source, String id, Instant observedAt, List<Identifier> identifiers,
            Map<String, String> attributes) {
        return new CustomerRecord(new SourceRecordId(source, id), observedAt, identifiers, attributes);
    }
}
