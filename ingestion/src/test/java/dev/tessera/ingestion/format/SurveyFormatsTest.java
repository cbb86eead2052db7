package dev.tessera.ingestion.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.core.model.Interaction;
import dev.tessera.core.model.Interaction.Score;
import dev.tessera.core.model.Interaction.ScoreType;
import dev.tessera.core.model.InteractionKind;
import dev.tessera.ingestion.format.FormatOptions.Question;
import dev.tessera.ingestion.format.FormatOptions.ScoredQuestion;
import dev.tessera.ingestion.format.PayloadRejectedException.Reason;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.JsonNode;

class SurveyFormatsTest {

    static final String TYPEFORM = "survey/typeform_webhook_form_response_example.json";
    static final String SURVEYMONKEY = "survey/surveymonkey_v3_response_details.json";

    @Test
    void typeformRatingIsCsatAndTheRespondentIsTheHiddenUserIdWithTheAnsweredEmail() {
        MappedItem item = VendorFormats.withDefaults().byName("typeform-response")
                .map(Samples.payload("survey", TYPEFORM)).items().get(0);

        assertThat(item.record().id().key()).isEqualTo("survey:abc123456");
        assertThat(ShopFormatsTest.ids(item.record())).isEqualTo("[EMAIL=laura@example.com]");
        assertThat(item.record().observedAt()).isEqualTo(Instant.parse("2018-01-18T18:17:02Z"));
        // the sample's opinion_scale asks about the weather's importance: not NPS by default, so only the rating counts
        Interaction csat = item.interactions().get(0);
        assertThat(item.interactions()).hasSize(1);
        assertThat(csat.kind()).isEqualTo(InteractionKind.SURVEY_RESPONSE);
        assertThat(csat.score()).isEqualTo(new Score(ScoreType.CSAT, 3));
        assertThat(csat.id()).isEqualTo("survey:survey:lT4Z3j:a3a12ec67a1365927098a606107fac15:readable_ref_rating");
        assertThat(csat.touchpoint()).isEqualTo("general");
        assertThat(csat.occurredAt()).isEqualTo(Instant.parse("2018-01-18T18:17:02Z"));
        assertThat(csat.attributes()).containsEntry("survey", "lT4Z3j").containsEntry("question", "readable_ref_rating");
    }

    @Test
    void configuredTypeformFieldsGiveCesAndTouchpointsAndARecommendQuestionIsNps() {
        ObjectNode event = Samples.object(TYPEFORM);
        ObjectNode response = (ObjectNode) event.path("form_response");
        ((ObjectNode) response.path("hidden")).put("touchpoint", "delivery");
        ObjectNode nps = (ObjectNode) response.path("definition").path("fields").get(9);
        nps.put("title", "How likely are you to recommend us to a friend?");
        ((ObjectNode) response.path("answers").get(9)).put("number", 9);
        FormatOptions options = FormatOptions.defaults().withTypeform(FormatOptions.Typeform.defaults().withFields(Map.of(
                "readable_ref_number1", new ScoredQuestion(ScoreType.CES, "checkout"),
                "pn48RmPazVdM", new ScoredQuestion(ScoreType.CSAT, null))));

        List<Interaction> answers = new VendorFormats(options).byName("typeform-response")
                .map(Samples.payload("survey", event)).items().get(0).interactions();

        assertThat(answers).extracting(i -> i.attributes().get("question") + "=" + i.score().type() + ":" + i.score().value()
                + "@" + i.touchpoint()).containsExactly(
                "readable_ref_number1=CES:5@checkout", "readable_ref_opinion_scale=NPS:9@delivery",
                "readable_ref_rating=CSAT:3@delivery", "readable_ref_number2=CSAT:4@delivery");
    }

    @Test
    void typeformRatingOnTenStepsIsRescaledToFive() {
        ObjectNode event = Samples.object(TYPEFORM);
        ObjectNode rating = (ObjectNode) event.path("form_response").path("definition").path("fields").get(10);
        rating.putObject("properties").put("steps", 10);
        ((ObjectNode) event.path("form_response").path("answers").get(10)).put("number", 10);

        Interaction csat = VendorFormats.withDefaults().byName("typeform-response").map(Samples.payload("survey", event))
                .interactions().findFirst().orElseThrow();

        assertThat(csat.score()).isEqualTo(new Score(ScoreType.CSAT, 5));
    }

    @Test
    void aTypeformRatingBeyondFiveWithoutItsStepsIsADeadLetterAloneAndTheResponseStays() {
        // webhooks carry no properties.steps: a 7 can only be a longer scale, which cannot be placed on 1-5
        ObjectNode event = Samples.object(TYPEFORM);
        ((ObjectNode) event.path("form_response").path("answers").get(10)).put("number", 7);

        MappedPayload mapped = VendorFormats.withDefaults().byName("typeform-response").map(Samples.payload("survey", event));

        // the response is stored; the answer that cannot be placed is a dead letter saying why
        assertThat(mapped.items().get(0).record().id().key()).isEqualTo("survey:abc123456");
        assertThat(mapped.items().get(0).interactions()).isEmpty();
        assertThat(mapped.rejections()).singleElement().satisfies(r -> {
            assertThat(r.reason()).isEqualTo(Reason.INVALID_VALUE);
            assertThat(r.message()).contains("answers[10].number").contains("survey.fields");
        });
    }

    @Test
    void anNpsNamedRefWithAnUnderscoreIsAnNpsQuestion() {
        ObjectNode event = Samples.object(TYPEFORM);
        ObjectNode field = (ObjectNode) event.path("form_response").path("definition").path("fields").get(10);
        ObjectNode answer = (ObjectNode) event.path("form_response").path("answers").get(10);
        field.put("type", "opinion_scale").put("ref", "nps_score").put("title", "How likely are you to tell others?");
        ((ObjectNode) answer.path("field")).put("type", "opinion_scale").put("ref", "nps_score");
        answer.put("number", 9);

        assertThat(VendorFormats.withDefaults().byName("typeform-response").map(Samples.payload("survey", event))
                .interactions().map(Interaction::score)).contains(new Score(ScoreType.NPS, 9));
    }

    @Test
    void typeformWithoutRespondentOrEmailIsRejectedAndOtherEventsAreUnknown() {
        ObjectNode event = Samples.object(TYPEFORM);
        ObjectNode response = (ObjectNode) event.path("form_response");
        response.remove("hidden");
        ((ArrayNode) response.path("answers")).remove(1);

        assertThatThrownBy(() -> VendorFormats.withDefaults().byName("typeform-response").map(Samples.payload("survey", event)))
                .isInstanceOfSatisfying(PayloadRejectedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.MISSING_IDENTIFIER))
                .hasMessageContaining("user_id");

        event.put("event_type", "form_deleted");
        assertThatThrownBy(() -> VendorFormats.withDefaults().byName("typeform-response").map(Samples.payload("survey", event)))
                .isInstanceOfSatisfying(PayloadRejectedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_VALUE))
                .hasMessageContaining("'event_type'");
    }

    @Test
    void anNpsAnswerOutsideTheScaleIsRejectedNamingTheAnswer() {
        ObjectNode event = Samples.object(TYPEFORM);
        ((ObjectNode) event.path("form_response").path("answers").get(9)).put("number", 11);
        FormatOptions options = FormatOptions.defaults().withTypeform(FormatOptions.Typeform.defaults().withFields(
                Map.of("readable_ref_opinion_scale", new ScoredQuestion(ScoreType.NPS, null))));

        assertThatThrownBy(() -> new VendorFormats(options).byName("typeform-response").map(Samples.payload("survey", event)))
                .isInstanceOfSatisfying(PayloadRejectedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_VALUE))
                .hasMessageContaining("answers[9]").hasMessageContaining("NPS");
    }

    @Test
    void surveyMonkeyConfiguredQuestionScoresTheChosenChoice() {
        FormatOptions options = FormatOptions.defaults().withSurveyMonkey(FormatOptions.SurveyMonkey.defaults()
                .withRespondentVariable("custvar_1")
                .withQuestions(Map.of("319352786", new Question(ScoreType.NPS, Map.of("3057839051", 9), "onboarding"))));

        MappedItem item = new VendorFormats(options).byName("surveymonkey-response")
                .map(Samples.payload("sm", SURVEYMONKEY)).items().get(0);

        assertThat(item.record().id().key()).isEqualTo("sm:one");
        Interaction nps = item.interactions().get(0);
        assertThat(nps.id()).isEqualTo("sm:survey:105724755:5007154402:319352786");
        assertThat(nps.score()).isEqualTo(new Score(ScoreType.NPS, 9));
        assertThat(nps.touchpoint()).isEqualTo("onboarding");
        assertThat(nps.occurredAt()).isEqualTo(Instant.parse("2015-12-28T21:59:38Z"));
    }

    @Test
    void surveyMonkeyWithoutConfigurationKeepsTheRespondentByCustomValueAndScoresNothing() {
        MappedItem item = VendorFormats.withDefaults().byName("surveymonkey-response")
                .map(Samples.payload("sm", SURVEYMONKEY)).items().get(0);

        assertThat(item.record().id().key()).isEqualTo("sm:custom identifier for the response");
        assertThat(item.interactions()).isEmpty();
    }

    @Test
    void aSurveyMonkeyCommentBesideTheChosenScoreIsNoReasonToRejectTheResponse() {
        ObjectNode response = Samples.object(SURVEYMONKEY);
        ArrayNode answers = null;
        for (JsonNode page : response.path("pages")) {
            for (JsonNode q : page.path("questions")) {
                if (q.path("id").asString().equals("319352786")) {
                    answers = (ArrayNode) q.path("answers");
                }
            }
        }
        answers.add(Json.MAPPER.readTree("{\"other_id\": \"3057839060\", \"text\": \"The delivery was late\"}"));
        FormatOptions options = FormatOptions.defaults().withSurveyMonkey(FormatOptions.SurveyMonkey.defaults()
                .withQuestions(Map.of("319352786", new Question(ScoreType.NPS, Map.of("3057839051", 9), null))));

        MappedItem item = new VendorFormats(options).byName("surveymonkey-response").map(Samples.payload("sm", response))
                .items().get(0);

        assertThat(item.interactions()).extracting(Interaction::score).containsExactly(new Score(ScoreType.NPS, 9));
    }

    @Test
    void surveyMonkeyChoiceOutsideTheConfigurationIsAnUnknownValue() {
        FormatOptions options = FormatOptions.defaults().withSurveyMonkey(FormatOptions.SurveyMonkey.defaults()
                .withQuestions(Map.of("319352786", new Question(ScoreType.CSAT, Map.of("1", 5), null))));

        assertThatThrownBy(() -> new VendorFormats(options).byName("surveymonkey-response").map(Samples.payload("sm", SURVEYMONKEY)))
                .isInstanceOfSatisfying(PayloadRejectedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_VALUE))
                .hasMessageContaining("question 319352786");
    }
}
