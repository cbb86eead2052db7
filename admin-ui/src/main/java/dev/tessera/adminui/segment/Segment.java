package dev.tessera.adminui.segment;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A segment as the profile service's segments API returns it (docs/segments.md). Tolerant of fields the
 * service adds later. Public with public accessors: the templates call them reflectively.
 *
 * @param rule    the rule tree, shown as JSON and edited as JSON text
 * @param status  the state of the last full evaluation; null before the first one is recorded
 * @param version the definition's version, sent back on an update (409 when someone saved meanwhile)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Segment(String id, String name, String description, JsonNode rule, boolean timeDependent, long size,
        Status status, Instant createdAt, String createdBy, Instant updatedAt, String updatedBy, long version) {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** The rule as indented JSON, for display and as the editor's starting text. */
    public String prettyRule() {
        return rule == null ? "" : JSON.writerWithDefaultPrettyPrinter().writeValueAsString(rule);
    }

    /** Whether the members shown are those of the current rule. */
    public boolean ready() {
        return status != null && Status.READY.equals(status.state()) && status.definitionVersion() >= version;
    }

    /** "ready", "building 40 / 120", or waiting for the build of the current version. */
    public String statusText() {
        if (ready()) {
            return "ready";
        }
        if (status != null && Status.BUILDING.equals(status.state()) && status.definitionVersion() >= version) {
            return "building " + status.evaluated() + " / " + status.total();
        }
        return "build pending";
    }

    /** The last full evaluation: {@code building} with progress, then {@code ready}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Status(String state, long evaluated, long total, long definitionVersion, Instant startedAt,
            Instant finishedAt) {

        static final String BUILDING = "building";
        static final String READY = "ready";
    }

    /** One page of members, oldest membership first. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record MembersPage(String segmentId, long total, int page, int size, List<Member> members) {

        public MembersPage {
            members = members == null ? List.of() : List.copyOf(members);
        }

        public boolean hasNext() {
            return (long) (page + 1) * size < total;
        }

        public int pages() {
            return (int) Math.max(1, (total + size - 1) / size);
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Member(String profileId, Instant joinedAt) {}
}
