package dev.tessera.adminui.segment;

import dev.tessera.adminui.AdminUiProperties;
import dev.tessera.adminui.ServiceCalls;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.RestClient;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The profile service's segments API (docs/segments.md), called with the signed-in user's token;
 * failures as {@link ServiceCalls} maps them. A refused definition comes back as the API's problem, so the
 * form can name the field.
 */
@Component
class SegmentClient {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final MediaType CSV = new MediaType("text", "csv");

    private final RestClient rest;
    private final ServiceCalls calls = new ServiceCalls("profile service", SegmentClient.class,
            SegmentServiceException::new);

    SegmentClient(RestClient.Builder builder, AdminUiProperties properties) {
        this.rest = builder.baseUrl(properties.profileService().baseUri()).build();
    }

    /** What became of a create or update. */
    sealed interface Saved permits Saved.Done, Saved.Refused, Saved.Conflict, Saved.Gone {

        /** Stored; {@code segment} is the new version. */
        record Done(Segment segment) implements Saved {}

        /** The API refused the definition; the problem names the field. */
        record Refused(Problem problem) implements Saved {}

        /** Someone saved a newer version meanwhile (edit only). */
        record Conflict() implements Saved {}

        /** The segment was deleted meanwhile (edit only). */
        record Gone() implements Saved {}
    }

    List<Segment> list() {
        return call("segments", () -> {
            Segment[] all = rest.get().uri("/api/v1/segments").retrieve().body(Segment[].class);
            return all == null ? List.<Segment>of() : List.of(all);
        });
    }

    Optional<Segment> find(String id) {
        return call("segment", () -> {
            try {
                return Optional.ofNullable(rest.get().uri("/api/v1/segments/{id}", id).retrieve().body(Segment.class));
            } catch (HttpClientErrorException.NotFound e) {
                return Optional.empty();
            }
        });
    }

    Saved create(SegmentForm form) {
        return save(form, false, () -> rest.post().uri("/api/v1/segments"), "create");
    }

    Saved update(String id, SegmentForm form) {
        return save(form, true, () -> rest.put().uri("/api/v1/segments/{id}", id), "update");
    }

    /** Deletes the segment and its memberships; false when it was already gone. */
    boolean delete(String id) {
        return call("delete", () -> {
            try {
                rest.delete().uri("/api/v1/segments/{id}", id).retrieve().toBodilessEntity();
                return true;
            } catch (HttpClientErrorException.NotFound e) {
                return false;
            }
        });
    }

    /** One page of members; empty when the segment is gone. */
    Optional<Segment.MembersPage> members(String id, int page, int size) {
        return call("members", () -> {
            try {
                return Optional.ofNullable(rest.get()
                        .uri("/api/v1/segments/{id}/members?page={page}&size={size}", id, page, size)
                        .retrieve().body(Segment.MembersPage.class));
            } catch (HttpClientErrorException.NotFound e) {
                return Optional.empty();
            }
        });
    }

    /** Where an export's CSV goes once the service has accepted the request. */
    @FunctionalInterface
    interface CsvTarget {
        /** Called once, before the first byte, with the service's content type and disposition. */
        OutputStream open(String contentType, String contentDisposition) throws IOException;
    }

    /** The browser went away while the CSV was being copied to it. */
    static final class DownloadAborted extends RuntimeException {
        DownloadAborted(IOException cause) {
            super("download aborted by the browser", cause);
        }
    }

    /**
     * What became of an export request: streamed, refused with a problem, the segment is gone, or the
     * service runs as many exports as it may (try again later).
     */
    sealed interface Export permits Export.Streamed, Export.Refused, Export.Gone, Export.Busy {
        record Streamed(long bytes) implements Export {}

        record Refused(Problem problem) implements Export {}

        record Gone() implements Export {}

        record Busy() implements Export {}
    }

    /**
     * Asks the service for the members as CSV and copies the answer to {@code target} as it arrives, a
     * buffer at a time: an export is never held whole in memory. Nothing is written to the target unless
     * the service accepted the request, so a refusal can still be shown as a page.
     */
    Export export(String id, String fields, String purpose, String channel, CsvTarget target) {
        return call("export", () -> rest.get()
                .uri(uri -> {
                    uri.path("/api/v1/segments/{id}/export").queryParam("fields", "{fields}")
                            .queryParam("channel", "{channel}");
                    if (purpose != null) {
                        uri.queryParam("purpose", "{purpose}");
                    }
                    return purpose == null ? uri.build(id, fields, channel) : uri.build(id, fields, channel, purpose);
                })
                .accept(CSV, MediaType.APPLICATION_PROBLEM_JSON, MediaType.APPLICATION_JSON)
                .exchange((request, response) -> {
                    HttpStatusCode status = response.getStatusCode();
                    if (status.is2xxSuccessful()) {
                        return new Export.Streamed(copy(response, target));
                    }
                    if (status.value() == 400) {
                        return new Export.Refused(problem(response.getBody()));
                    }
                    if (status.value() == 404) {
                        return new Export.Gone();
                    }
                    if (status.value() == 429) {
                        return new Export.Busy();
                    }
                    throw failure(status, response);
                }, true));
    }

    private static long copy(ClientHttpResponse response, CsvTarget target) throws IOException {
        HttpHeaders headers = response.getHeaders();
        MediaType type = headers.getContentType();
        String disposition = headers.getFirst(HttpHeaders.CONTENT_DISPOSITION);
        OutputStream out;
        try {
            out = target.open(type == null ? "text/csv;charset=UTF-8" : type.toString(), disposition);
        } catch (IOException e) {
            throw new DownloadAborted(e);
        }
        byte[] buffer = new byte[16 * 1024];
        long total = 0;
        try (InputStream in = response.getBody()) {
            for (int n; (n = in.read(buffer)) != -1; total += n) {
                try {
                    out.write(buffer, 0, n);
                } catch (IOException e) {
                    throw new DownloadAborted(e);
                }
            }
        }
        try {
            out.flush();
        } catch (IOException e) {
            throw new DownloadAborted(e);
        }
        return total;
    }

    /** What became of a preview. */
    sealed interface Previewed permits Previewed.Done, Previewed.Refused, Previewed.Busy {

        record Done(SegmentPreview preview) implements Previewed {}

        /** The rule is not valid; the problem names the place. */
        record Refused(Problem problem) implements Previewed {}

        /** Other previews are running: try again in a few seconds. */
        record Busy() implements Previewed {}
    }

    /** How many profiles the form's rule would match now (nothing is saved). */
    Previewed preview(SegmentForm form) {
        Object rule = rule(form);
        if (rule instanceof Problem refused) {
            return new Previewed.Refused(refused);
        }
        ObjectNode body = JSON.createObjectNode();
        body.set("rule", (JsonNode) rule);
        String json = JSON.writeValueAsString(body);
        return call("preview", () -> {
            try {
                SegmentPreview preview = rest.post().uri("/api/v1/segments/preview")
                        .contentType(MediaType.APPLICATION_JSON).body(json).retrieve().body(SegmentPreview.class);
                if (preview == null) {
                    throw new SegmentServiceException(HttpStatus.BAD_GATEWAY, "no preview in the answer");
                }
                return new Previewed.Done(preview);
            } catch (HttpClientErrorException.BadRequest e) {
                return new Previewed.Refused(problem(e));
            } catch (HttpClientErrorException.TooManyRequests e) {
                return new Previewed.Busy();
            }
        });
    }

    /** The form's rule as a JSON tree, or the {@link Problem} that says why it is none. */
    private static Object rule(SegmentForm form) {
        JsonNode rule;
        try {
            rule = form.rule().isBlank() ? null : JSON.readTree(form.rule());
        } catch (JacksonException e) {
            var where = e.getLocation();
            return new Problem("Invalid rule", where == null ? "is not valid JSON"
                    : "is not valid JSON (line " + where.getLineNr() + ", column " + where.getColumnNr() + ")", "rule");
        }
        if (rule == null) {
            return new Problem("Invalid rule", "is required: a JSON rule such as the examples", "rule");
        }
        return rule;
    }

    private Saved save(SegmentForm form, boolean withVersion,
            Supplier<RestClient.RequestBodySpec> request, String operation) {
        Object parsed = rule(form);
        if (parsed instanceof Problem refused) {
            return new Saved.Refused(refused);
        }
        JsonNode rule = (JsonNode) parsed;
        ObjectNode body = JSON.createObjectNode();
        body.put("name", form.name());
        body.put("description", form.description());
        body.set("rule", rule);
        if (withVersion) {
            if (form.version() == null) {
                return new Saved.Refused(new Problem("Invalid request", "is missing: reload the segment", "version"));
            }
            body.put("version", form.version());
        }
        String json = JSON.writeValueAsString(body);
        return call(operation, () -> {
            try {
                Segment saved = request.get().contentType(MediaType.APPLICATION_JSON).body(json).retrieve()
                        .body(Segment.class);
                if (saved == null) {
                    throw new SegmentServiceException(HttpStatus.BAD_GATEWAY, "no segment in the answer");
                }
                return new Saved.Done(saved);
            } catch (HttpClientErrorException.BadRequest e) {
                return new Saved.Refused(problem(e));
            } catch (HttpClientErrorException.Conflict e) {
                return new Saved.Conflict();
            } catch (HttpClientErrorException.NotFound e) {
                if (!withVersion) {
                    throw e;
                }
                return new Saved.Gone();
            }
        });
    }

    private static Problem problem(HttpClientErrorException e) {
        return ServiceCalls.refusal(e, Problem.class)
                .orElse(new Problem("Invalid request", "the profile service refused the request", null));
    }

    private static Problem problem(InputStream body) {
        try (body) {
            Problem problem = JSON.readValue(body, Problem.class);
            if (problem != null) {
                return problem;
            }
        } catch (IOException | RuntimeException unreadable) {
            // the generic wording below
        }
        return new Problem("Invalid request", "the profile service refused the export", null);
    }

    private static RuntimeException failure(HttpStatusCode status, ClientHttpResponse response) throws IOException {
        String text = response.getStatusText();
        return status.is5xxServerError()
                ? HttpServerErrorException.create(status, text, response.getHeaders(), null, null)
                : HttpClientErrorException.create(status, text, response.getHeaders(), null, null);
    }

    private <T> T call(String operation, Supplier<T> request) {
        return calls.call(operation, request);
    }
}
