package dev.tessera.ingestion.source;

import dev.tessera.ingestion.system.IngestionProperties.Poll;
import dev.tessera.ingestion.system.IngestionProperties.PollCursor;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a fetched page says about the next one: its URL (from the body at a JSON pointer, or an RFC 8288
 * {@code Link: <...>; rel="next"} header), and whether the vendor has nothing more for now. A next link
 * is only followed on the scheme, host and port of the configured URL: a hostile or broken response must
 * not send the source's bearer token elsewhere.
 *
 * @param next         the next page, resolved against the page's URL; empty when the page names none or
 *                     its body cannot be read
 * @param endOfStream  the vendor says this page is the last one for now
 */
record PageLinks(Optional<URI> next, boolean endOfStream) {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** One link-value of a Link header: {@code <uri>; param; param}. */
    private static final Pattern LINK = Pattern.compile("<([^>]*)>((?:\\s*;\\s*[^;,]+)*)");
    private static final Pattern REL = Pattern.compile("(?i)rel\\s*=\\s*(\"([^\"]*)\"|[^\\s;,\"]+)");

    static PageLinks none() {
        return new PageLinks(Optional.empty(), false);
    }

    /** Reads the links of a page fetched from {@code url}. */
    static PageLinks of(Poll poll, URI url, byte[] body, List<String> linkHeaders) {
        if (poll.cursor() == PollCursor.NONE) {
            return none();
        }
        JsonNode root = null;
        if (poll.endOfStream() != null || poll.cursor() == PollCursor.NEXT_LINK) {
            try {
                root = JSON.readTree(body);
            } catch (JacksonException e) {
                return none(); // a page that is not JSON names no next page (the intake dead-letters it)
            }
        }
        boolean end = root != null && poll.endOfStream() != null && root.at(poll.endOfStream()).asBoolean(false);
        Optional<String> link = poll.cursor() == PollCursor.NEXT_LINK
                ? text(root.at(poll.nextLink()))
                : nextInLinkHeaders(linkHeaders);
        return new PageLinks(link.flatMap(l -> resolve(url, l)), end);
    }

    private static Optional<String> text(JsonNode node) {
        return node != null && node.isString() && !node.asString().isBlank() ? Optional.of(node.asString().strip())
                : Optional.empty();
    }

    /** The target of the first link with relation type {@code next} (RFC 8288: rel may list several types). */
    static Optional<String> nextInLinkHeaders(List<String> headers) {
        for (String header : headers) {
            Matcher link = LINK.matcher(header);
            while (link.find()) {
                Matcher rel = REL.matcher(link.group(2));
                while (rel.find()) {
                    String types = rel.group(2) != null ? rel.group(2) : rel.group(1);
                    for (String type : types.strip().split("\\s+")) {
                        if (type.toLowerCase(Locale.ROOT).equals("next")) {
                            return Optional.of(link.group(1).strip());
                        }
                    }
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<URI> resolve(URI page, String link) {
        try {
            return Optional.of(page.resolve(new URI(link)).normalize());
        } catch (java.net.URISyntaxException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Same scheme, host and port: the only place the bearer token may go. */
    static boolean sameOrigin(URI configured, URI next) {
        return configured.getScheme().equalsIgnoreCase(String.valueOf(next.getScheme()))
                && configured.getHost() != null && configured.getHost().equalsIgnoreCase(String.valueOf(next.getHost()))
                && port(configured) == port(next)
                && next.getRawUserInfo() == null;
    }

    private static int port(URI uri) {
        if (uri.getPort() != -1) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }
}
