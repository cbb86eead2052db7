package dev.tessera.ingestion.operations;

import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/**
 * Errors of the ingestion admin API as RFC 9457 problem details. Details name the parameter but never
 * echo values; rejection reasons name fields, never their content.
 */
@RestControllerAdvice(basePackageClasses = OperationsProblems.class)
class OperationsProblems {

    static final String TYPE_BASE = "https://tessera.dev/problems/";

    private abstract static class Problem extends RuntimeException {
        Problem(String message) {
            super(message, null, false, false);
        }
    }

    static final class UnknownSource extends Problem {
        UnknownSource() {
            super("no source has this name");
        }
    }

    static final class UnknownDeadLetter extends Problem {
        UnknownDeadLetter() {
            super("no dead letter has this id");
        }
    }

    static final class NotRunning extends Problem {
        NotRunning(String source) {
            super("source " + source + " has no route to stop or start (it is disabled, its transport starts none, or"
                    + " for transport custom no route of yours has delivered for it since start-up)");
        }
    }

    static final class NotReplayable extends Problem {
        NotReplayable(String message) {
            super(message);
        }
    }

    static final class StillRejected extends Problem {
        StillRejected(String reason) {
            super(reason);
        }
    }

    static final class InvalidParameter extends Problem {
        private final String parameter;

        InvalidParameter(String parameter, String message) {
            super(message);
            this.parameter = parameter;
        }
    }

    @ExceptionHandler
    ProblemDetail unknownSource(UnknownSource e) {
        return problem(HttpStatus.NOT_FOUND, "Source not found", "source-not-found", e.getMessage());
    }

    @ExceptionHandler
    ProblemDetail unknownDeadLetter(UnknownDeadLetter e) {
        return problem(HttpStatus.NOT_FOUND, "Dead letter not found", "dead-letter-not-found", e.getMessage());
    }

    @ExceptionHandler
    ProblemDetail notRunning(NotRunning e) {
        return problem(HttpStatus.CONFLICT, "Source has no route", "source-has-no-route", e.getMessage());
    }

    @ExceptionHandler
    ProblemDetail notReplayable(NotReplayable e) {
        return problem(HttpStatus.CONFLICT, "Cannot replay this dead letter", "not-replayable", e.getMessage());
    }

    @ExceptionHandler
    ProblemDetail stillRejected(StillRejected e) {
        ProblemDetail problem = problem(HttpStatus.UNPROCESSABLE_CONTENT, "Still rejected", "still-rejected",
                "the item is rejected again and stays a dead letter: " + e.getMessage());
        return problem;
    }

    @ExceptionHandler
    ProblemDetail invalid(InvalidParameter e) {
        return invalid(e.parameter, e.getMessage());
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
        ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "Invalid request", "invalid-request",
                parameter + " " + message);
        problem.setProperty("parameter", parameter);
        return problem;
    }

    private static ProblemDetail problem(HttpStatus status, String title, String type, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        problem.setType(URI.create(TYPE_BASE + type));
        return problem;
    }
}
