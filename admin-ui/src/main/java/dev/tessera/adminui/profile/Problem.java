package dev.tessera.adminui.profile;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** The parts of an RFC 9457 problem document that the UI shows. */
@JsonIgnoreProperties(ignoreUnknown = true)
record Problem(String title, String detail) {}
