package dev.tessera.adminui.segment;

import jakarta.servlet.http.HttpServletResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The marketers' segment pages: the list, the rule editor, one segment with its members, the CSV export
 * and deletion. Everything goes through the profile service's segments API with the signed-in user's
 * token, which checks the role again; refusals are shown next to the form with the field the API names.
 */
@Controller
class SegmentController {

    private static final Logger log = LoggerFactory.getLogger(SegmentController.class);
    /** Segment ids as the platform makes them (core's Segment.ID); anything else never reaches the API. */
    private static final Pattern SEGMENT = Pattern.compile("[a-z0-9][a-z0-9-]{0,47}");
    private static final int MEMBERS_PER_PAGE = 50;
    private static final int MAX_PAGE = 100_000;
    /** 30 field names of at most 64 characters and their commas. */
    private static final int MAX_FIELDS_LENGTH = 2_000;
    private static final int MAX_PARAMETER_LENGTH = 64;
    /** The consent channels an export may be limited to (docs/privacy.md). */
    private static final List<String> CHANNELS = List.of("any", "email", "sms", "phone", "post", "web", "push");

    private final SegmentClient segments;

    SegmentController(SegmentClient segments) {
        this.segments = segments;
    }

    /** What the export form posts, kept as typed for a refusal. */
    public record ExportForm(String fields, String purpose, String channel) {
        public ExportForm {
            fields = fields == null ? "" : fields.strip();
            purpose = purpose == null ? "" : purpose.strip();
            channel = channel == null || channel.isBlank() ? "any" : channel.strip();
        }

        static ExportForm empty() {
            return new ExportForm("", "", "any");
        }
    }

    @GetMapping("/segments")
    ModelAndView list() {
        return new ModelAndView("segments/list", Map.of("segments", segments.list()));
    }

    @GetMapping("/segments/new")
    ModelAndView newSegment() {
        return form(new SegmentForm("", "", "", null), null, null, HttpStatus.OK);
    }

    @PostMapping("/segments")
    ModelAndView create(@ModelAttribute SegmentForm form, RedirectAttributes flash) {
        SegmentClient.Saved saved = segments.create(form);
        if (saved instanceof SegmentClient.Saved.Done done) {
            flash.addFlashAttribute("notice", "Segment created. Its members are being computed.");
            return new ModelAndView("redirect:/segments/" + done.segment().id());
        }
        if (saved instanceof SegmentClient.Saved.Refused refused) {
            return form(form, null, refused.problem(), HttpStatus.BAD_REQUEST);
        }
        throw new SegmentServiceException(HttpStatus.BAD_GATEWAY, "unexpected answer to a create");
    }

    /**
     * The form again, with how many profiles its rule would match now; nothing is saved. {@code segmentId}
     * is the segment being edited (none for a new one), so the form still saves where it did.
     */
    @PostMapping("/segments/preview")
    ModelAndView preview(@ModelAttribute SegmentForm form,
            @RequestParam(name = "segmentId", required = false) String segmentId) {
        if (segmentId != null) {
            requireSegment(segmentId);
        }
        SegmentClient.Previewed previewed = segments.preview(form);
        if (previewed instanceof SegmentClient.Previewed.Refused refused) {
            return form(form, segmentId, refused.problem(), HttpStatus.BAD_REQUEST);
        }
        ModelAndView page = form(form, segmentId, null, HttpStatus.OK);
        if (previewed instanceof SegmentClient.Previewed.Done done) {
            page.addObject("preview", done.preview());
        } else {
            page.addObject("previewBusy", true);
        }
        return page;
    }

    @GetMapping("/segments/{id}")
    ModelAndView show(@PathVariable String id, @RequestParam(defaultValue = "0") int page) {
        requireSegment(id);
        if (page < 0 || page > MAX_PAGE) {
            return message(HttpStatus.BAD_REQUEST, "Invalid page", "page must be between 0 and " + MAX_PAGE + ".");
        }
        return detail(id, page, ExportForm.empty(), null, HttpStatus.OK);
    }

    @GetMapping("/segments/{id}/edit")
    ModelAndView edit(@PathVariable String id) {
        requireSegment(id);
        return segments.find(id)
                .map(segment -> form(SegmentForm.of(segment), id, null, HttpStatus.OK))
                .orElseGet(SegmentController::notFound);
    }

    @PostMapping("/segments/{id}")
    ModelAndView update(@PathVariable String id, @ModelAttribute SegmentForm form, RedirectAttributes flash) {
        requireSegment(id);
        SegmentClient.Saved saved = segments.update(id, form);
        if (saved instanceof SegmentClient.Saved.Done) {
            flash.addFlashAttribute("notice", "Segment saved.");
            return new ModelAndView("redirect:/segments/" + id);
        }
        if (saved instanceof SegmentClient.Saved.Refused refused) {
            return form(form, id, refused.problem(), HttpStatus.BAD_REQUEST);
        }
        if (saved instanceof SegmentClient.Saved.Conflict) {
            ModelAndView page = form(form, id, null, HttpStatus.CONFLICT);
            page.addObject("conflict", true);
            return page;
        }
        return notFound();
    }

    @GetMapping("/segments/{id}/delete")
    ModelAndView confirmDelete(@PathVariable String id) {
        requireSegment(id);
        return segments.find(id)
                .map(segment -> new ModelAndView("segments/delete", Map.of("segment", segment)))
                .orElseGet(SegmentController::notFound);
    }

    @PostMapping("/segments/{id}/delete")
    String delete(@PathVariable String id, RedirectAttributes flash) {
        requireSegment(id);
        flash.addFlashAttribute("notice", segments.delete(id) ? "Segment deleted." : "That segment was already gone.");
        return "redirect:/segments";
    }

    /**
     * The members as CSV, copied from the profile service to the browser as it arrives, with the
     * service's file name. A refusal (a field the role does not see, a missing purpose) comes back as the
     * segment's page with the problem next to the export form.
     */
    @PostMapping("/segments/{id}/export")
    ModelAndView export(@PathVariable String id, @ModelAttribute ExportForm form, HttpServletResponse response) {
        requireSegment(id);
        // the field that is too long is the one marked on the page
        String tooLong = form.fields().length() > MAX_FIELDS_LENGTH ? "fields"
                : form.purpose().length() > MAX_PARAMETER_LENGTH ? "purpose"
                : form.channel().length() > MAX_PARAMETER_LENGTH ? "channel" : null;
        if (tooLong != null) {
            return detail(id, 0, form, new Problem("Invalid export", "is too long", tooLong), HttpStatus.BAD_REQUEST);
        }
        SegmentClient.Export export;
        try {
            export = segments.export(id, form.fields(), form.purpose().isEmpty() ? null : form.purpose(),
                    form.channel(), (contentType, disposition) -> {
                        // a CSV download, whatever the answer says it is: this origin never renders it
                        response.setContentType("text/csv; charset=UTF-8");
                        response.setHeader(HttpHeaders.CONTENT_DISPOSITION,
                                "attachment; filename=\"segment-" + id + ".csv\"");
                        response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
                        return response.getOutputStream();
                    });
        } catch (SegmentClient.DownloadAborted e) {
            log.info("segment export aborted by the browser");
            return null;
        } catch (SegmentServiceException e) {
            if (response.isCommitted()) {
                // part of the file is out: break the connection so the browser reports a failed download
                throw new ExportInterrupted(e);
            }
            throw e;
        }
        if (export instanceof SegmentClient.Export.Refused refused) {
            return detail(id, 0, form, refused.problem(), HttpStatus.BAD_REQUEST);
        }
        if (export instanceof SegmentClient.Export.Gone) {
            return notFound();
        }
        if (export instanceof SegmentClient.Export.Busy) {
            return detail(id, 0, form, new Problem("Too many exports", "other exports are running right now; "
                    + "try again in a minute", null), HttpStatus.TOO_MANY_REQUESTS);
        }
        return null; // streamed
    }

    @ExceptionHandler(InvalidId.class)
    ModelAndView invalid(InvalidId e) {
        return message(HttpStatus.BAD_REQUEST, "Invalid segment id",
                "A segment id is 1 to 48 lower-case letters, digits or hyphens.");
    }

    @ExceptionHandler(SegmentServiceException.class)
    ModelAndView serviceFailed(SegmentServiceException e) {
        if (e.status() == HttpStatus.SERVICE_UNAVAILABLE) {
            return message(e.status(), "Profile service unavailable",
                    "Segments cannot be shown right now because the profile service is not answering. "
                            + "Please try again in a minute.");
        }
        return message(e.status(), "Profile service error",
                "The profile service gave an answer this page cannot show. Please try again later.");
    }

    private ModelAndView detail(String id, int page, ExportForm export, Problem exportProblem, HttpStatus status) {
        return segments.find(id).map(segment -> {
            Map<String, Object> model = new HashMap<>();
            model.put("segment", segment);
            model.put("members", segments.members(id, page, MEMBERS_PER_PAGE)
                    .orElse(new Segment.MembersPage(id, 0, page, MEMBERS_PER_PAGE, null)));
            model.put("export", export);
            model.put("channels", CHANNELS);
            if (exportProblem != null) {
                model.put("exportProblem", exportProblem);
            }
            return new ModelAndView("segments/detail", model, status);
        }).orElseGet(SegmentController::notFound);
    }

    private static ModelAndView form(SegmentForm form, String id, Problem problem, HttpStatus status) {
        Map<String, Object> model = new HashMap<>();
        model.put("form", form);
        model.put("title", id == null ? "New segment" : "Edit segment");
        if (id != null) {
            model.put("segmentId", id);
        }
        if (problem != null) {
            model.put("problem", problem);
        }
        return new ModelAndView("segments/form", model, status);
    }

    private static ModelAndView notFound() {
        return message(HttpStatus.NOT_FOUND, "Segment not found", "It was deleted meanwhile, or never existed.");
    }

    private static ModelAndView message(HttpStatus status, String title, String message) {
        return new ModelAndView("message", Map.of("title", title, "message", message), status);
    }

    private static void requireSegment(String id) {
        if (!SEGMENT.matcher(id).matches()) {
            throw new InvalidId();
        }
    }

    private static final class InvalidId extends RuntimeException {
        InvalidId() {
            super("invalid segment id", null, false, false);
        }
    }

    /** A failure after part of an export was sent; deliberately handled by no page. */
    private static final class ExportInterrupted extends RuntimeException {
        ExportInterrupted(Throwable cause) {
            super("segment export interrupted", cause);
        }
    }
}
