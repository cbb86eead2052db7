package dev.tessera.adminui.segment;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * A refusal to show next to the form: the API's RFC 9457 problem with the {@code parameter} it names
 * (e.g. {@code rule.all[1].op}) and its detail, which never repeats the submitted value.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Problem(String title, String detail, String parameter) {

    /** The form field the problem belongs to: {@code name}, {@code description}, {@code rule}, or none. */
    public String field() {
        if (parameter == null) {
            return "";
        }
        for (String field : new String[] {"name", "description", "rule", "version"}) {
            if (parameter.equals(field) || parameter.startsWith(field + ".") || parameter.startsWith(field + "[")) {
                return field;
            }
        }
        return "";
    }
}
