package dev.tessera.ingestion.format;

import dev.tessera.core.model.Interaction.ScoreType;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of the built-in formats of one source. The defaults ({@link #defaults()}) are the only place
 * defaults are written; configuration binding should start from them.
 *
 * @param maxPayloadBytes larger payloads are rejected before parsing
 * @param phoneRegion     region for phone numbers without country prefix when the payload names no country
 * @param typeform        how Typeform answers become scores
 * @param surveyMonkey    how SurveyMonkey answers become scores
 */
public record FormatOptions(int maxPayloadBytes, String phoneRegion, Typeform typeform, SurveyMonkey surveyMonkey) {

    public static final int DEFAULT_MAX_PAYLOAD_BYTES = 1024 * 1024;
    public static final String DEFAULT_TOUCHPOINT = "general";

    public FormatOptions {
        if (maxPayloadBytes < 1) {
            throw new IllegalArgumentException("maxPayloadBytes must be positive");
        }
        Objects.requireNonNull(phoneRegion, "phoneRegion");
        Objects.requireNonNull(typeform, "typeform");
        Objects.requireNonNull(surveyMonkey, "surveyMonkey");
    }

    public static FormatOptions defaults() {
        return new FormatOptions(DEFAULT_MAX_PAYLOAD_BYTES, "GB", Typeform.defaults(), SurveyMonkey.defaults());
    }

    public FormatOptions withMaxPayloadBytes(int bytes) {
        return new FormatOptions(bytes, phoneRegion, typeform, surveyMonkey);
    }

    public FormatOptions withPhoneRegion(String region) {
        return new FormatOptions(maxPayloadBytes, region, typeform, surveyMonkey);
    }

    public FormatOptions withTypeform(Typeform options) {
        return new FormatOptions(maxPayloadBytes, phoneRegion, options, surveyMonkey);
    }

    public FormatOptions withSurveyMonkey(SurveyMonkey options) {
        return new FormatOptions(maxPayloadBytes, phoneRegion, typeform, options);
    }

    /** A question that yields a score, and the touchpoint it asks about (null: the response's touchpoint). */
    public record ScoredQuestion(ScoreType type, String touchpoint) {
        public ScoredQuestion {
            Objects.requireNonNull(type, "type");
        }
    }

    /**
     * @param fields               field ref or field id to score; fields not listed are scored by the defaults
     *                             (an {@code nps} field or an {@code opinion_scale} asking to recommend is NPS,
     *                             a {@code rating} is CSAT)
     * @param respondentField      hidden field with the respondent's id in the source (the record's source id)
     * @param emailField           hidden field with the respondent's email (email answers count too)
     * @param touchpointField      hidden field naming the touchpoint the survey asks about
     * @param defaultTouchpoint    touchpoint when neither the question nor the response names one
     */
    public record Typeform(Map<String, ScoredQuestion> fields, String respondentField, String emailField,
            String touchpointField, String defaultTouchpoint) {

        public Typeform {
            fields = Map.copyOf(fields);
            Objects.requireNonNull(respondentField, "respondentField");
            Objects.requireNonNull(emailField, "emailField");
            Objects.requireNonNull(touchpointField, "touchpointField");
            Objects.requireNonNull(defaultTouchpoint, "defaultTouchpoint");
        }

        public static Typeform defaults() {
            return new Typeform(Map.of(), "user_id", "email", "touchpoint", DEFAULT_TOUCHPOINT);
        }

        public Typeform withFields(Map<String, ScoredQuestion> scored) {
            return new Typeform(scored, respondentField, emailField, touchpointField, defaultTouchpoint);
        }
    }

    /**
     * SurveyMonkey answers are choice ids, so only configured questions are scored.
     *
     * @param questions          question id to its score and the score of each choice id
     * @param respondentVariable custom variable with the respondent's id; when blank, the response's
     *                           {@code custom_value} (the collector link's {@code c=} parameter) is the id
     * @param emailVariable      custom variable with the respondent's email
     * @param touchpointVariable custom variable naming the touchpoint
     * @param defaultTouchpoint  touchpoint when neither the question nor the response names one
     */
    public record SurveyMonkey(Map<String, Question> questions, String respondentVariable, String emailVariable,
            String touchpointVariable, String defaultTouchpoint) {

        public SurveyMonkey {
            questions = Map.copyOf(questions);
            Objects.requireNonNull(emailVariable, "emailVariable");
            Objects.requireNonNull(touchpointVariable, "touchpointVariable");
            Objects.requireNonNull(defaultTouchpoint, "defaultTouchpoint");
        }

        public static SurveyMonkey defaults() {
            return new SurveyMonkey(Map.of(), null, "email", "touchpoint", DEFAULT_TOUCHPOINT);
        }

        public SurveyMonkey withQuestions(Map<String, Question> configured) {
            return new SurveyMonkey(configured, respondentVariable, emailVariable, touchpointVariable, defaultTouchpoint);
        }

        public SurveyMonkey withRespondentVariable(String variable) {
            return new SurveyMonkey(questions, variable, emailVariable, touchpointVariable, defaultTouchpoint);
        }
    }

    /** A scored SurveyMonkey question: choice id to score value; numeric text answers are read as the value. */
    public record Question(ScoreType type, Map<String, Integer> choices, String touchpoint) {
        public Question {
            Objects.requireNonNull(type, "type");
            choices = Map.copyOf(choices);
            choices.forEach((choice, value) -> {
                if (value < type.min() || value > type.max()) {
                    throw new IllegalArgumentException("choice " + choice + " scores outside the " + type + " scale");
                }
            });
        }
    }
}
