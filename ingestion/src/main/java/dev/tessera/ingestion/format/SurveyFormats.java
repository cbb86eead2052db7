package dev.tessera.ingestion.format;

import static dev.tessera.ingestion.format.Json.instant;
import static dev.tessera.ingestion.format.Json.text;
import static dev.tessera.ingestion.format.PayloadRejectedException.Reason.INVALID_VALUE;
import static dev.tessera.ingestion.format.PayloadRejectedException.Reason.MISSING_IDENTIFIER;
import static dev.tessera.ingestion.format.PayloadRejectedException.Reason.UNKNOWN_VALUE;

import dev.tessera.core.model.Interaction;
import dev.tessera.core.model.Interaction.Score;
import dev.tessera.core.model.Interaction.ScoreType;
import dev.tessera.core.model.InteractionKind;
import dev.tessera.core.model.SourceRecordId;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/** Typeform and SurveyMonkey responses: the respondent, and a scored SURVEY_RESPONSE per NPS/CSAT/CES answer. */
final class SurveyFormats {

    /** "recommend", or "nps" between non-letters ({@code nps_score}, {@code q-nps}: {@code \\b} misses the underscore). */
    private static final Pattern RECOMMEND = Pattern.compile("recommend|(?<![a-z])nps(?![a-z])", Pattern.CASE_INSENSITIVE);
    private static final Set<String> SURVEYMONKEY_STATUS = Set.of("completed", "partial", "overquota", "disqualified");

    private SurveyFormats() {}

    static Interaction answer(SourceRecordId record, String survey, String response, String question, Score score,
            String touchpoint, Instant at) {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("survey", survey);
        attributes.put("response", response);
        attributes.put("question", question);
        return Events.of(Events.id(record, "survey", survey, response, question), record, InteractionKind.SURVEY_RESPONSE,
                "web", touchpoint, at, null, score, attributes);
    }

    static int whole(JsonNode answer, String path) {
        BigDecimal number = Json.decimal(answer, "number").orElseThrow(
                () -> new PayloadRejectedException(PayloadRejectedException.Reason.MALFORMED, "'" + path + ".number' is absent"));
        try {
            return number.intValueExact();
        } catch (ArithmeticException e) {
            throw new PayloadRejectedException(INVALID_VALUE, "'" + path + ".number' is not a whole number");
        }
    }

    /**
     * {@code typeform-response}: the {@code form_response} webhook. The respondent is the configured hidden
     * field (default {@code user_id}); emails from a hidden field or an email answer link the record.
     * Scores: configured field refs/ids first; otherwise an {@code nps} field, or an {@code opinion_scale}
     * whose title or ref mentions recommending, is NPS; a {@code rating} is CSAT, rescaled to 1-5 from its
     * number of steps when the definition gives them. CES only from configuration.
     */
    static final class TypeformResponse extends JsonFormat {

        TypeformResponse(FormatOptions options) {
            super("typeform-response", options);
        }

        @Override
        MappedPayload map(SourcePayload payload, JsonNode root) {
            if (!"form_response".equals(text(root, "event_type").orElse(""))) {
                throw new PayloadRejectedException(UNKNOWN_VALUE, "'event_type' is not form_response");
            }
            FormatOptions.Typeform settings = options.typeform();
            JsonNode response = Json.requireObject(root.path("form_response"), "'form_response'");
            String token = Json.requireId(response, "token");
            String form = text(response, "form_id").or(() -> text(response, "definition.id")).orElse("form");
            Instant submittedAt = Json.requireInstant(response, "submitted_at");
            JsonNode hidden = response.path("hidden");

            Map<String, JsonNode> definitions = new HashMap<>();
            for (JsonNode field : response.path("definition").path("fields")) {
                text(field, "id").ifPresent(id -> definitions.put(id, field));
            }
            Optional<String> respondent = text(hidden, settings.respondentField());
            Person person = new Person(Person.recordId(payload.source(),
                    respondent.orElse("response-" + token), "form_response.hidden." + settings.respondentField()), submittedAt, phones)
                    .email(text(hidden, settings.emailField()));
            for (JsonNode answer : response.path("answers")) {
                if ("email".equals(text(answer, "type").orElse(""))) {
                    person.email(text(answer, "email"));
                }
                if ("phone_number".equals(text(answer, "type").orElse(""))) {
                    person.phone(text(answer, "phone_number"), Optional.empty());
                }
            }
            if (respondent.isEmpty() && !person.hasIdentifiers()) {
                throw new PayloadRejectedException(MISSING_IDENTIFIER, "missing identifier: no hidden field '"
                        + settings.respondentField() + "' and no valid email in hidden fields or answers");
            }
            String responseTouchpoint = text(hidden, settings.touchpointField()).orElse(settings.defaultTouchpoint());

            List<Interaction> interactions = new ArrayList<>();
            List<ItemRejection> unplaced = new ArrayList<>();
            int index = 0;
            for (JsonNode answer : response.path("answers")) {
                String path = "form_response.answers[" + index++ + "]";
                if (!"number".equals(text(answer, "type").orElse(""))) {
                    continue;
                }
                String fieldId = Json.require(answer, "field.id");
                JsonNode definition = definitions.getOrDefault(fieldId, Json.MAPPER.missingNode());
                String ref = text(answer, "field.ref").or(() -> text(definition, "ref")).orElse(fieldId);
                String type = text(answer, "field.type").or(() -> text(definition, "type")).orElse("");
                FormatOptions.ScoredQuestion configured = Optional.ofNullable(settings.fields().get(ref))
                        .orElse(settings.fields().get(fieldId));
                Optional<ScoreType> scoreType = configured != null ? Optional.of(configured.type()) : defaultType(type, ref, definition);
                if (scoreType.isEmpty()) {
                    continue;
                }
                int value = whole(answer, path);
                if (configured == null && scoreType.get() == ScoreType.CSAT) {
                    Optional<Integer> steps = Json.decimal(definition, "properties.steps").map(BigDecimal::intValue);
                    if (steps.isEmpty() && (value < 1 || value > 5)) {
                        // webhooks carry no steps: read as Typeform's default five, and a value beyond them is a
                        // rating on a longer scale that cannot be placed. The rest of the response is stored; this
                        // answer is a dead letter that says why (configure the field, then replay)
                        unplaced.add(new ItemRejection(INVALID_VALUE, "'" + path + ".number' is above 5 on a rating whose"
                                + " steps the payload does not give; configure the field under survey.fields",
                                Json.write(root)));
                        continue;
                    }
                    value = toFive(value, steps.orElse(5), path);
                }
                Score score;
                try {
                    score = new Score(scoreType.get(), value);
                } catch (IllegalArgumentException e) {
                    throw new PayloadRejectedException(INVALID_VALUE, "'" + path + ".number' is outside the " + scoreType.get() + " scale");
                }
                String touchpoint = configured != null && configured.touchpoint() != null ? configured.touchpoint() : responseTouchpoint;
                interactions.add(answer(person.id(), form, token, ref, score, touchpoint, submittedAt));
            }
            return new MappedPayload(List.of(new MappedItem(person.record(), interactions)), unplaced);
        }

        private static Optional<ScoreType> defaultType(String type, String ref, JsonNode definition) {
            if (type.equals("nps")) {
                return Optional.of(ScoreType.NPS);
            }
            if (type.equals("opinion_scale")
                    && (RECOMMEND.matcher(ref).find() || RECOMMEND.matcher(text(definition, "title").orElse("")).find())) {
                return Optional.of(ScoreType.NPS);
            }
            if (type.equals("rating")) {
                return Optional.of(ScoreType.CSAT);
            }
            return Optional.empty();
        }

        /** A rating of 1..steps onto CSAT's 1..5, keeping both ends. */
        private static int toFive(int value, int steps, String path) {
            if (steps == 5) {
                return value;
            }
            if (steps < 2 || value < 1 || value > steps) {
                throw new PayloadRejectedException(INVALID_VALUE, "'" + path + ".number' is outside the rating's steps");
            }
            return BigDecimal.valueOf(1 + (value - 1) * 4.0 / (steps - 1)).setScale(0, RoundingMode.HALF_UP).intValue();
        }
    }

    /**
     * {@code surveymonkey-response}: a response from {@code GET /surveys/{id}/responses/{id}/details}. Answers
     * are choice ids, so only configured questions give scores.
     */
    static final class SurveyMonkeyResponse extends JsonFormat {

        SurveyMonkeyResponse(FormatOptions options) {
            super("surveymonkey-response", options);
        }

        @Override
        MappedPayload map(SourcePayload payload, JsonNode root) {
            return pageOrOne(root, "data", "response", response -> List.of(response(payload, response)));
        }

        private MappedItem response(SourcePayload payload, JsonNode response) {
            FormatOptions.SurveyMonkey settings = options.surveyMonkey();
            String id = Json.requireId(response, "id");
            String survey = text(response, "survey_id").orElse("survey");
            Instant at = instant(response, "date_modified").orElseGet(() -> Json.requireInstant(response, "date_created"));
            Optional<String> status = text(response, "response_status");
            if (status.isPresent() && !SURVEYMONKEY_STATUS.contains(status.get().toLowerCase(Locale.ROOT))) {
                throw new PayloadRejectedException(UNKNOWN_VALUE, "'response_status' is not a SurveyMonkey response status");
            }
            JsonNode variables = response.path("custom_variables");
            String respondentField = settings.respondentVariable() == null || settings.respondentVariable().isBlank()
                    ? "custom_value" : "custom_variables." + settings.respondentVariable();
            Optional<String> respondent = text(response, respondentField);
            Person person = new Person(Person.recordId(payload.source(), respondent.orElse("response-" + id), respondentField),
                    at, phones)
                    .email(text(variables, settings.emailVariable()))
                    .email(text(response, "metadata.contact.email.value"));
            if (respondent.isEmpty() && !person.hasIdentifiers()) {
                throw new PayloadRejectedException(MISSING_IDENTIFIER, "missing identifier: '" + respondentField
                        + "' is absent and no valid email in 'custom_variables." + settings.emailVariable() + "'");
            }
            String responseTouchpoint = text(variables, settings.touchpointVariable()).orElse(settings.defaultTouchpoint());

            List<Interaction> interactions = new ArrayList<>();
            int page = 0;
            for (JsonNode p : response.path("pages")) {
                int question = 0;
                for (JsonNode q : p.path("questions")) {
                    String path = "pages[" + page + "].questions[" + question++ + "]";
                    String questionId = Json.require(q, "id");
                    FormatOptions.Question configured = settings.questions().get(questionId);
                    if (configured == null) {
                        continue;
                    }
                    Integer value = null;
                    for (JsonNode a : q.path("answers")) {
                        Optional<String> choice = text(a, "choice_id");
                        boolean numeric = text(a, "text").filter(t -> t.matches("\\d{1,2}")).isPresent();
                        if (a.has("other_id") || (a.has("row_id") && choice.isEmpty() && !numeric)) {
                            continue; // the "other" comment box, or a row's comment: text, not a score
                        }
                        if (choice.isPresent() && configured.choices().containsKey(choice.get())) {
                            value = configured.choices().get(choice.get());
                        } else if (numeric) {
                            value = Integer.parseInt(text(a, "text").get());
                        } else {
                            throw new PayloadRejectedException(UNKNOWN_VALUE,
                                    "'" + path + ".answers' holds a choice not configured for question " + questionId);
                        }
                    }
                    if (value == null) {
                        continue;
                    }
                    Score score;
                    try {
                        score = new Score(configured.type(), value);
                    } catch (IllegalArgumentException e) {
                        throw new PayloadRejectedException(INVALID_VALUE, "'" + path + ".answers' is outside the " + configured.type() + " scale");
                    }
                    String touchpoint = configured.touchpoint() != null ? configured.touchpoint() : responseTouchpoint;
                    interactions.add(answer(person.id(), survey, id, questionId, score, touchpoint, at));
                }
                page++;
            }
            return new MappedItem(person.record(), interactions);
        }
    }
}
