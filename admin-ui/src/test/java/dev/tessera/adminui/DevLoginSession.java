package dev.tessera.adminui;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A browser-like HTTP session against admin-ui's dev login: cookies kept, the login form's CSRF token
 * read from the page and sent back, and HTML asked for, as a browser would. Redirects are not followed,
 * so tests see them.
 */
final class DevLoginSession {

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");

    private final String base;
    private final HttpClient http;

    private DevLoginSession(String base) {
        this.base = base;
        this.http = HttpClient.newBuilder()
                .cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /** A session that has not signed in. */
    static DevLoginSession anonymous(String base) {
        return new DevLoginSession(base);
    }

    /** A session signed in as this demo user; fails when the sign-in does not succeed. */
    static DevLoginSession signedIn(String base, String username, String password) throws IOException, InterruptedException {
        DevLoginSession session = new DevLoginSession(base);
        HttpResponse<String> answer = session.signIn(username, password);
        if (answer.statusCode() != 302 || answer.headers().firstValue("Location").orElse("").contains("error")) {
            throw new IllegalStateException("sign-in as " + username + " failed: " + answer.statusCode() + " "
                    + answer.headers().firstValue("Location").orElse(""));
        }
        return session;
    }

    /** Posts the login form with the CSRF token of a freshly loaded login page. */
    HttpResponse<String> signIn(String username, String password) throws IOException, InterruptedException {
        return post("/login", "username=" + encode(username) + "&password=" + encode(password)
                + "&_csrf=" + encode(csrf("/login")));
    }

    /** The CSRF token of the form on this page. */
    String csrf(String page) throws IOException, InterruptedException {
        String html = get(page).body();
        Matcher matcher = CSRF.matcher(html);
        if (!matcher.find()) {
            throw new IllegalStateException("no CSRF token on " + page);
        }
        return matcher.group(1);
    }

    HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(Duration.ofSeconds(10))
                .header("Accept", "text/html")
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String form) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "text/html")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
