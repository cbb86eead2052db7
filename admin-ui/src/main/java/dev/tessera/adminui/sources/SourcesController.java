package dev.tessera.adminui.sources;

import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The integrators' console: every source with its route's health, counts, lag and file progress; stop
 * and start a route; list, inspect, replay and discard its dead letters. Everything goes through the
 * ingestion app's operations API with the signed-in user's token, which checks the role again.
 */
@Controller
class SourcesController {

    /** Source names as the ingestion configuration allows them. */
    private static final Pattern SOURCE = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
    /** Dead-letter ids: hex digests. */
    private static final Pattern DEAD_LETTER = Pattern.compile("[0-9a-f]{8,64}");
    private static final int PAGE = 50;
    /** Dead letters one bulk replay tries (the ingestion app allows up to 1,000 per call). */
    static final int BULK = 500;

    private final IngestionClient ingestion;

    SourcesController(IngestionClient ingestion) {
        this.ingestion = ingestion;
    }

    @GetMapping("/sources")
    ModelAndView sources() {
        return new ModelAndView("sources/list", Map.of("sources", ingestion.sources()));
    }

    @PostMapping("/sources/{name}/{action:stop|start}")
    String control(@PathVariable String name, @PathVariable String action, RedirectAttributes flash) {
        requireSource(name);
        ingestion.control(name, action);
        flash.addFlashAttribute("notice", "Route of " + name + (action.equals("stop") ? " stopped." : " started."));
        return "redirect:/sources";
    }

    @GetMapping("/sources/{name}/dead-letters")
    ModelAndView deadLetters(@PathVariable String name, @RequestParam(defaultValue = "0") int offset) {
        requireSource(name);
        if (offset < 0 || offset > 1_000_000) {
            return message(HttpStatus.BAD_REQUEST, "Invalid page", "offset must be between 0 and 1000000.");
        }
        return ingestion.source(name)
                .map(source -> new ModelAndView("sources/dead-letters", Map.of("source", source,
                        "page", ingestion.deadLetters(name, offset, PAGE), "pageSize", PAGE,
                        "reasons", ingestion.reasons(name), "bulk", BULK)))
                .orElseGet(() -> message(HttpStatus.NOT_FOUND, "Source not found", "No source has that name."));
    }

    /**
     * Replays up to {@value #BULK} dead letters, oldest first: those with the posted reason, or all when
     * none is posted (after the mapping was fixed, say).
     */
    @PostMapping("/sources/{name}/dead-letters/replay-all")
    String replayAll(@PathVariable String name, @RequestParam(required = false) String reason,
            @RequestParam(defaultValue = "0") int offset, RedirectAttributes flash) {
        requireSource(name);
        String only = reason == null || reason.isEmpty() ? null : requireReason(reason);
        if (offset < 0 || offset > 10_000_000) {
            throw new InvalidPath("offset must be between 0 and 10000000.");
        }
        IngestionClient.BulkReplay done = ingestion.replayAll(name, only, BULK, offset);
        StringBuilder notice = new StringBuilder("Replayed " + done.replayed() + " of " + done.attempted() + ".");
        if (done.rejectedAgain() > 0) {
            notice.append(" Rejected again: ");
            notice.append(String.join("; ", done.stillRejected().stream()
                    .map(r -> r.count() + " × " + r.reason()).toList()));
            notice.append('.');
        }
        if (done.notReplayable() > 0) {
            notice.append(" ").append(done.notReplayable()).append(" can only be inspected (not replayable).");
        }
        if (done.remaining() > 0) {
            notice.append(" ").append(done.remaining()).append(" not tried yet.");
            // the next ones, past the letters this replay left where they were
            flash.addFlashAttribute("bulkNext", new BulkNext(only == null ? "" : only, done.next()));
        }
        flash.addFlashAttribute("notice", notice.toString());
        return "redirect:/sources/" + name + "/dead-letters";
    }

    /** Where a bulk replay that did not get through everything goes on. */
    public record BulkNext(String reason, int offset) {}

    /** Discards every dead letter with the posted reason, once the box confirming it is ticked. */
    @PostMapping("/sources/{name}/dead-letters/discard-reason")
    String discardReason(@PathVariable String name, @RequestParam String reason,
            @RequestParam(defaultValue = "false") boolean confirm, RedirectAttributes flash) {
        requireSource(name);
        requireReason(reason);
        if (!confirm) {
            flash.addFlashAttribute("problem", "Nothing discarded: tick the box to confirm discarding them all.");
            return "redirect:/sources/" + name + "/dead-letters";
        }
        long discarded = ingestion.discardAll(name, reason);
        flash.addFlashAttribute("notice", "Discarded " + discarded + " dead letter" + (discarded == 1 ? "" : "s")
                + " with that reason.");
        return "redirect:/sources/" + name + "/dead-letters";
    }

    @GetMapping("/sources/{name}/dead-letters/{id}")
    ModelAndView deadLetter(@PathVariable String name, @PathVariable String id) {
        requireSource(name);
        requireDeadLetter(id);
        return ingestion.deadLetter(name, id)
                .map(letter -> new ModelAndView("sources/dead-letter", Map.of("name", name, "letter", letter)))
                .orElseGet(() -> message(HttpStatus.NOT_FOUND, "Dead letter not found",
                        "It was replayed or discarded meanwhile, or never existed."));
    }

    @PostMapping("/sources/{name}/dead-letters/{id}/replay")
    String replay(@PathVariable String name, @PathVariable String id, RedirectAttributes flash) {
        requireSource(name);
        requireDeadLetter(id);
        IngestionClient.ReplayAnswer answer = ingestion.replay(name, id);
        if (answer.stored()) {
            flash.addFlashAttribute("notice", "Replayed: " + answer.message() + ".");
            return "redirect:/sources/" + name + "/dead-letters";
        }
        flash.addFlashAttribute("problem", "Not replayed: " + answer.message());
        return "redirect:/sources/" + name + "/dead-letters/" + id;
    }

    @PostMapping("/sources/{name}/dead-letters/{id}/discard")
    String discard(@PathVariable String name, @PathVariable String id, RedirectAttributes flash) {
        requireSource(name);
        requireDeadLetter(id);
        flash.addFlashAttribute("notice", ingestion.discard(name, id) ? "Dead letter discarded."
                : "That dead letter was already gone.");
        return "redirect:/sources/" + name + "/dead-letters";
    }

    @ExceptionHandler(InvalidPath.class)
    ModelAndView invalid(InvalidPath e) {
        return message(HttpStatus.BAD_REQUEST, "Invalid request", e.getMessage());
    }

    @ExceptionHandler(IngestionClient.IngestionException.class)
    ModelAndView ingestionFailed(IngestionClient.IngestionException e) {
        if (e.status() == HttpStatus.SERVICE_UNAVAILABLE) {
            return message(e.status(), "Ingestion app unavailable",
                    "Sources cannot be shown right now because the ingestion app is not answering. "
                            + "Please try again in a minute.");
        }
        return message(e.status(), "Ingestion app error",
                "The ingestion app gave an answer this page cannot show. Please try again later.");
    }

    private static void requireSource(String name) {
        if (!SOURCE.matcher(name).matches()) {
            throw new InvalidPath("A source name is 1 to 64 lower-case letters, digits, - or _.");
        }
    }

    private static String requireReason(String reason) {
        if (reason.isEmpty() || reason.length() > 500 || reason.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidPath("A reason is 1 to 500 characters, as the list of reasons shows it.");
        }
        return reason;
    }

    private static void requireDeadLetter(String id) {
        if (!DEAD_LETTER.matcher(id).matches()) {
            throw new InvalidPath("A dead-letter id is a hexadecimal digest.");
        }
    }

    private static ModelAndView message(HttpStatus status, String title, String message) {
        return new ModelAndView("message", Map.of("title", title, "message", message), status);
    }

    static final class InvalidPath extends RuntimeException {
        InvalidPath(String message) {
            super(message);
        }
    }
}
