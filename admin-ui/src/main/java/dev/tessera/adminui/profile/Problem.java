package dev.tessera.adminui.profile;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** The parts of an RFC 9457 problem document that the UI shows. */
@JsonIgnoreProperties(ignoreUnknown = true)
record Problem(String type, String title, String detail) {

    /** The profile service's problem type for a merge over an agent's keep-apart decision. */
    static final String KEPT_APART_SUFFIX = "/kept-apart";

    boolean keptApart() {
        return type != null && type.endsWith(KEPT_APART_SUFFIX);
    }
}
