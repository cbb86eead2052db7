package dev.tessera.profile.api;

import java.net.URI;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/**
 * Errors of the API as RFC 9457 problem details. Details name the offending parameter but never echo
 * its value, which may be personal data.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE) // before Boot's generic problem handler, which would not name the parameter
class ApiProblem {

    static final String TYPE_BASE = "https://tessera.dev/problems/";

    static final class ProfileNotFound extends RuntimeException {
        ProfileNotFound() {
            super("profile not found", null, false, false);
        }
    }

    static final class SegmentNotFound extends RuntimeException {
        SegmentNotFound() {
            super("segment not found", null, false, false);
        }
    }

    static final class Conflict extends RuntimeException {
        Conflict() {
            super("conflict", null, false, false);
        }
    }

    /** An id merged into a profile that was split or re-resolved since: whose data it stands for is unknown. */
    static final class AmbiguousFormerId extends RuntimeException {
        AmbiguousFormerId() {
            super("ambiguous former id", null, false, false);
        }
    }

    /** A merge or split that would contradict earlier must-link or cannot-link decisions. */
    static final class DecisionConflict extends RuntimeException {
        private final int records;

        DecisionConflict(int records) {
            super("decision conflict", null, false, false);
            this.records = records;
        }
    }

    /** A merge over an agent's earlier keep-apart decision, not confirmed by {@code overrideKeptApart}. */
    static final class KeptApart extends RuntimeException {
        private final int records;

        KeptApart(int records) {
            super("kept apart", null, false, false);
            this.records = records;
        }
    }

    static final class RateLimited extends RuntimeException {
        private final long retryAfterSeconds;

        RateLimited(long retryAfterSeconds) {
            super("rate limited", null, false, false);
            this.retryAfterSeconds = retryAfterSeconds;
        }
    }

    /** A criterion this caller may not use (a marketer searching by a field masked for them, say). */
    static final class NotForYourRole extends RuntimeException {
        private final String parameter;

        NotForYourRole(String parameter, String message) {
            super(message, null, false, false);
            this.parameter = parameter;
        }
    }

    static final class InvalidParameter extends RuntimeException {
        private final String parameter;

        InvalidParameter(String parameter, String message) {
            super(message, null, false, false);
            this.parameter = parameter;
        }
    }

    @ExceptionHandler
    ProblemDetail notForYourRole(NotForYourRole e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.FORBIDDEN, e.parameter + " " + e.getMessage());
        problem.setTitle("Not for your role");
        problem.setType(URI.create(TYPE_BASE + "not-for-your-role"));
        problem.setProperty("parameter", e.parameter);
        return problem;
    }

    @ExceptionHandler
    ProblemDetail notFound(ProfileNotFound e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "No profile has this id.");
        problem.setTitle("Profile not found");
        problem.setType(URI.create(TYPE_BASE + "profile-not-found"));
        return problem;
    }

    @ExceptionHandler
    ProblemDetail segmentNotFound(SegmentNotFound e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "No segment has this id.");
        problem.setTitle("Segment not found");
        problem.setType(URI.create(TYPE_BASE + "segment-not-found"));
        return problem;
    }

    @ExceptionHandler
    ProblemDetail invalid(InvalidParameter e) {
        return invalid(e.parameter, e.getMessage());
    }

    @ExceptionHandler
    ProblemDetail conflict(Conflict e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT,
                "The resource changed while the request ran or since it was read; read it again and retry.");
        problem.setTitle("Concurrent change");
        problem.setType(URI.create(TYPE_BASE + "conflict"));
        return problem;
    }

    @ExceptionHandler
    ProblemDetail rebuildRunning(dev.tessera.core.cx.CxAggregates.RebuildRunning e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT,
                "A rebuild of the CX aggregates is already running; ask again when it has finished.");
        problem.setTitle("Rebuild running");
        problem.setType(URI.create(TYPE_BASE + "rebuild-running"));
        return problem;
    }

    @ExceptionHandler
    ProblemDetail ambiguousFormerId(AmbiguousFormerId e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, "This id was merged into a "
                + "profile that was split or re-resolved since, so it no longer tells whose data it stands for; find "
                + "the person by email, phone or a current profile id and ask again.");
        problem.setTitle("Former id of a split profile");
        problem.setType(URI.create(TYPE_BASE + "ambiguous-former-id"));
        return problem;
    }

    @ExceptionHandler
    ProblemDetail decisionConflict(DecisionConflict e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, "This would chain together "
                + e.records + " records that earlier decisions keep apart (a record joined with one side and "
                + "separated from the other); see the profiles' explanations, then merge or split those first.");
        problem.setTitle("Contradicts earlier decisions");
        problem.setType(URI.create(TYPE_BASE + "decision-conflict"));
        return problem;
    }

    @ExceptionHandler
    ProblemDetail keptApart(KeptApart e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, "An agent kept " + e.records
                + " records of these two profiles apart (see the profiles' explanations). Merging drops that"
                + " decision: send \"overrideKeptApart\": true to merge all the same.");
        problem.setTitle("Kept apart by an agent");
        problem.setType(URI.create(TYPE_BASE + "kept-apart"));
        return problem;
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> rateLimited(RateLimited e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.TOO_MANY_REQUESTS,
                "Too many requests of this kind; retry after " + e.retryAfterSeconds + " seconds.");
        problem.setTitle("Too many requests");
        problem.setType(URI.create(TYPE_BASE + "rate-limited"));
        return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
                .header(HttpHeaders.RETRY_AFTER, Long.toString(e.retryAfterSeconds))
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem);
    }

    @ExceptionHandler
    ProblemDetail invalidBody(MethodArgumentNotValidException e) {
        FieldError field = e.getBindingResult().getFieldError();
        return field == null ? invalid("body", "is invalid") : invalid(field.getField(), field.getDefaultMessage());
    }

    @ExceptionHandler
    ProblemDetail unreadable(HttpMessageNotReadableException e) {
        return invalid("body", "is not valid JSON of the expected shape");
    }

    @ExceptionHandler
    ProblemDetail missing(MissingServletRequestParameterException e) {
        return invalid(e.getParameterName(), "is required");
    }

    @ExceptionHandler
    ProblemDetail mismatch(MethodArgumentTypeMismatchException e) {
        return invalid(e.getName(), "has the wrong format");
    }

    private static ProblemDetail invalid(String parameter, String message) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, parameter + " " + message);
        problem.setTitle("Invalid request");
        problem.setType(URI.create(TYPE_BASE + "invalid-request"));
        problem.setProperty("parameter", parameter);
        return problem;
    }
}
