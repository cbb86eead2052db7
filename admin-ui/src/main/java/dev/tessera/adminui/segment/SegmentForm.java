package dev.tessera.adminui.segment;

/**
 * What the segment form posts, kept as typed so that a refused definition comes back to the user
 * unchanged. The rule is JSON text; {@code version} is set when editing.
 */
public record SegmentForm(String name, String description, String rule, Long version) {

    public SegmentForm {
        name = name == null ? "" : name;
        description = description == null ? "" : description;
        rule = rule == null ? "" : rule;
    }

    static SegmentForm of(Segment segment) {
        return new SegmentForm(segment.name(), segment.description(), segment.prettyRule(), segment.version());
    }
}
