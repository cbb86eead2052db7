package dev.tessera.adminui.profile;

import static dev.tessera.adminui.profile.ProfileFixtures.JANE_ID;
import static dev.tessera.adminui.profile.ProfileFixtures.jane;
import static dev.tessera.adminui.profile.ProfileFixtures.withFirstName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.verifyNoInteractions;

import java.io.UncheckedIOException;
import java.io.UnsupportedEncodingException;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.http.HttpStatus;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

@WebMvcTest(ProfileController.class)
class ProfileControllerTest {

    @Autowired
    MockMvcTester mvc;

    @MockitoBean
    ProfileClient client;

    /** Who the start page is for (the role rules themselves: AdminUiIT, SourcesConsoleIT). */
    @Test
    void sendsMarketersAndIntegratorsToTheirSectionsAndRefusesOthers() {
        MvcTestResult integrator = mvc.get().uri("/").principal(signedIn("cdp-integrator")).exchange();
        MvcTestResult marketer = mvc.get().uri("/").principal(signedIn("cdp-marketer")).exchange();
        MvcTestResult nobody = mvc.get().uri("/").principal(signedIn("offline_access")).exchange();

        assertThat(integrator).hasStatus(HttpStatus.FOUND).hasRedirectedUrl("/sources");
        assertThat(marketer).hasStatus(HttpStatus.FOUND).hasRedirectedUrl("/dashboard");
        assertThat(nobody).hasStatus(HttpStatus.FORBIDDEN);
        assertThat(body(nobody)).contains("Not allowed for your role").doesNotContain("name=\"email\"");
    }

    private static org.springframework.security.core.Authentication signedIn(String role) {
        return new org.springframework.security.authentication.TestingAuthenticationToken("someone", "n/a",
                "ROLE_" + role);
    }

    @Autowired
    org.springframework.web.servlet.LocaleResolver locales;

    /** Pages format numbers the same way whatever the browser's language (the UI is in English). */
    @Test
    void theLocaleIsEnglishWhateverTheBrowserAsksFor() {
        org.springframework.mock.web.MockHttpServletRequest german = new org.springframework.mock.web.MockHttpServletRequest();
        german.addHeader("Accept-Language", "de-DE,de;q=0.9");
        german.addPreferredLocale(java.util.Locale.GERMANY);

        assertThat(locales.resolveLocale(german)).isEqualTo(java.util.Locale.ENGLISH);
    }

    @Test
    void showsTheSearchForm() {
        MvcTestResult result = mvc.get().uri("/").principal(signedIn("cdp-agent")).exchange();

        assertThat(result).hasStatusOk();
        assertThat(body(result))
                .contains("<label for=\"email\">Customer email</label>")
                .contains("name=\"email\"")
                .contains(">Find</button>");
    }

    @Test
    void listsProfilesFoundByEmailWithLinksToThem() {
        given(client.findByEmail("jane@example.com")).willReturn(new ProfileList(List.of(jane()), 1));

        MvcTestResult result = mvc.post().uri("/profiles").param("email", " jane@example.com ").exchange();

        assertThat(result).hasStatusOk();
        assertThat(body(result))
                .contains("href=\"/profiles/" + JANE_ID + "\"")
                .contains("Jane Doe")
                .doesNotContain("data-testid=\"no-results\"");
    }

    @Test
    void theSearchFormPostsSoTheEmailStaysOutOfTheUrlAndSaysWhenThereAreMore() {
        given(client.findByEmail("family@example.com")).willReturn(new ProfileList(List.of(jane()), 1, 130L));

        MvcTestResult form = mvc.get().uri("/").principal(signedIn("cdp-agent")).exchange();
        MvcTestResult result = mvc.post().uri("/profiles").param("email", "family@example.com").exchange();

        assertThat(body(form)).contains("method=\"post\"").contains("data-testid=\"search-form\"");
        assertThat(result).hasStatusOk();
        assertThat(body(result)).contains("href=\"/profiles/" + JANE_ID + "\"")
                .contains("Showing the 1 oldest of 130 profiles with this email");
    }

    @Test
    void anEmailInALinkIsNotSearchedForTheFormPosts() {
        MvcTestResult result = mvc.get().uri("/profiles").param("email", "jane@example.com").exchange();

        assertThat(result).hasStatusOk();
        assertThat(body(result)).contains("Search from the form").doesNotContain("jane@example.com");
        verifyNoInteractions(client);
    }

    @Test
    void saysSoWhenNoProfileHasTheEmail() {
        given(client.findByEmail(anyString())).willReturn(new ProfileList(List.of(), 0));

        MvcTestResult result = mvc.post().uri("/profiles").param("email", "nobody@example.com").exchange();

        assertThat(result).hasStatusOk();
        assertThat(body(result)).contains("No profile found for that email");
    }

    @Test
    void showsTheServicesValidationMessageForAnInvalidEmail() {
        given(client.findByEmail("not-an-email")).willThrow(new InvalidSearchException("email is not a valid email address"));

        MvcTestResult result = mvc.post().uri("/profiles").param("email", "not-an-email").exchange();

        assertThat(result).hasStatus(HttpStatus.BAD_REQUEST);
        assertThat(body(result)).contains("email is not a valid email address").contains("value=\"not-an-email\"");
    }

    @Test
    void asksForAnEmailInsteadOfSearchingForNothing() {
        MvcTestResult result = mvc.post().uri("/profiles").param("email", "  ").exchange();

        assertThat(result).hasStatus(HttpStatus.BAD_REQUEST);
        assertThat(body(result)).contains("Enter a customer email.");
        verifyNoInteractions(client);
    }

    @Test
    void showsGoldenAttributesIdentifiersAndSourceRecords() {
        given(client.find(JANE_ID)).willReturn(Optional.of(jane()));

        MvcTestResult result = mvc.get().uri("/profiles/{id}", JANE_ID).exchange();

        assertThat(result).hasStatusOk();
        String html = body(result);
        assertThat(html).contains("data-testid=\"profile-id\">" + JANE_ID + "<");
        assertThat(row(html, "attribute-first_name")).contains(">Jane<").contains(">crm<").contains("crm:123")
                .contains("2025-01-01T00:00:00Z");
        assertThat(html).contains("+442079460958").contains("jane@example.com");
        assertThat(html.split("data-testid=\"source-record\"", -1)).hasSize(3);
        // a value only a claimed source gives (anyone could have sent it) and that source's record say so
        assertThat(row(html, "attribute-last_name")).contains("data-testid=\"claimed\"");
        assertThat(row(html, "attribute-first_name")).doesNotContain("claimed");
        assertThat(html.split("data-testid=\"claimed-record\"", -1)).hasSize(2);
        assertThat(html.split("data-testid=\"claimed-identifier\"", -1)).hasSize(2); // the phone number
    }

    /** Agents see the other profiles matching kept apart, linked, with the reason in words; never values. */
    @Test
    void showsAgentsPossibleDuplicatesWithTheReasonTheyStayedApart() {
        given(client.find(JANE_ID)).willReturn(Optional.of(jane()));
        given(client.possibleMatches(JANE_ID)).willReturn(Optional.of(new PossibleMatches(JANE_ID, List.of(
                new PossibleMatches.Match("p-2", "common-name", 3.0, "shop:p", "crm:n1", false, List.of(
                        new PossibleMatches.Contribution("first_name", "EXACT", 1.1),
                        new PossibleMatches.Contribution("city", "EXACT", 0.9),
                        new PossibleMatches.Contribution("last_name", "EXACT", 1.3))),
                new PossibleMatches.Match("p-3", "links", 12.5, "shop:p", "crm:n9", true, List.of(
                        new PossibleMatches.Contribution("email", "EXACT", 16.3),
                        new PossibleMatches.Contribution("birth_date", "DIFFERENT", -3.8)))))));

        String html = body(mvc.get().uri("/profiles/{id}", JANE_ID).principal(signedIn("cdp-agent")).exchange());

        String common = row(html, "possible-match");
        assertThat(common).contains("href=\"/profiles/p-2\"").contains("others share that name there")
                .contains("last_name exact, first_name exact, city exact").contains(">3.0<")
                .doesNotContain("kept apart").doesNotContain("overrideKeptApart");
        assertThat(html).contains("data-verdict=\"links\"").contains("kept apart by an agent")
                .contains(">birth_date<");
        // merging back what an agent kept apart takes a ticked box
        String keptApart = html.substring(html.indexOf("data-verdict=\"links\""));
        assertThat(keptApart).containsPattern("<input type=\"checkbox\" name=\"overrideKeptApart\" value=\"true\" required");
    }

    @Test
    void saysSoWhenThereAreNoPossibleDuplicatesOrTheServiceCannotSay() {
        given(client.find(JANE_ID)).willReturn(Optional.of(jane()));
        given(client.possibleMatches(JANE_ID)).willReturn(Optional.of(new PossibleMatches(JANE_ID, List.of())));
        assertThat(body(mvc.get().uri("/profiles/{id}", JANE_ID).principal(signedIn("cdp-agent")).exchange()))
                .contains("data-testid=\"possible-none\"");

        given(client.possibleMatches(JANE_ID)).willReturn(Optional.empty());
        assertThat(body(mvc.get().uri("/profiles/{id}", JANE_ID).principal(signedIn("cdp-agent")).exchange()))
                .contains("data-testid=\"possible-unavailable\"");
    }

    @Test
    void marketersAreNotShownPossibleDuplicates() {
        given(client.find(JANE_ID)).willReturn(Optional.of(jane()));

        String html = body(mvc.get().uri("/profiles/{id}", JANE_ID).principal(signedIn("cdp-marketer")).exchange());

        assertThat(html).doesNotContain("Possible duplicates");
        org.mockito.Mockito.verify(client, org.mockito.Mockito.never()).possibleMatches(anyString());
    }

    @Test
    void anAgentMergesAPossibleDuplicateAndLandsOnTheProfileHoldingBoth() {
        given(client.merge(JANE_ID, "p-2", "confirmed on the phone", false))
                .willReturn(new ProfileClient.MergeAnswer(JANE_ID, null));

        MvcTestResult result = mvc.post().uri("/profiles/{id}/merge", JANE_ID).param("other", "p-2")
                .param("reason", "  confirmed on the phone ").principal(signedIn("cdp-agent")).exchange();

        assertThat(result).hasStatus(HttpStatus.FOUND).hasRedirectedUrl("/profiles/" + JANE_ID);
        assertThat(result).flash().containsEntry("notice", "Merged: the two profiles are one now.");
    }

    @Test
    void mergingBackWhatAnAgentKeptApartIsSentWithTheFormsConfirmation() {
        given(client.merge(JANE_ID, "p-2", "same after all", true)).willReturn(new ProfileClient.MergeAnswer(JANE_ID, null));

        MvcTestResult result = mvc.post().uri("/profiles/{id}/merge", JANE_ID).param("other", "p-2")
                .param("reason", "same after all").param("overrideKeptApart", "true").principal(signedIn("cdp-agent"))
                .exchange();

        assertThat(result).hasStatus(HttpStatus.FOUND).hasRedirectedUrl("/profiles/" + JANE_ID);
        org.mockito.Mockito.verify(client).merge(JANE_ID, "p-2", "same after all", true);
    }

    @Test
    void aMergeRefusedForAKeepApartDecisionOffersTheConfirmationForThatProfile() {
        given(client.merge(JANE_ID, "p-2", "same", false))
                .willReturn(new ProfileClient.MergeAnswer(null, "an agent kept them apart; tick the box", true));

        MvcTestResult refused = mvc.post().uri("/profiles/{id}/merge", JANE_ID).param("other", "p-2")
                .param("reason", "same").principal(signedIn("cdp-agent")).exchange();

        assertThat(refused).hasStatus(HttpStatus.FOUND).hasRedirectedUrl("/profiles/" + JANE_ID);
        assertThat(refused).flash().containsEntry("confirmKeptApart", "p-2")
                .containsEntry("error", "Not merged: an agent kept them apart; tick the box");

        given(client.find(JANE_ID)).willReturn(Optional.of(jane()));
        given(client.possibleMatches(JANE_ID)).willReturn(Optional.of(new PossibleMatches(JANE_ID, List.of(
                new PossibleMatches.Match("p-2", "below-link-weight", 3.0, "shop:p", "crm:n1", false, List.of())))));
        String html = body(mvc.get().uri("/profiles/{id}", JANE_ID).flashAttr("confirmKeptApart", "p-2")
                .principal(signedIn("cdp-agent")).exchange());
        assertThat(html).contains("name=\"overrideKeptApart\"");
    }

    @Test
    void aMergeWithoutAReasonOrWithABadIdIsNotSentAndARefusalIsShown() {
        MvcTestResult noReason = mvc.post().uri("/profiles/{id}/merge", JANE_ID).param("other", "p-2")
                .param("reason", "  ").exchange();
        assertThat(noReason).hasStatus(HttpStatus.FOUND).hasRedirectedUrl("/profiles/" + JANE_ID);
        assertThat(noReason).flash().containsKey("error");
        MvcTestResult tooLong = mvc.post().uri("/profiles/{id}/merge", JANE_ID).param("other", "p-2")
                .param("reason", "x".repeat(501)).exchange();
        assertThat(tooLong).flash().containsKey("error");
        MvcTestResult badOther = mvc.post().uri("/profiles/{id}/merge", JANE_ID).param("other", "../x")
                .param("reason", "same").exchange();
        assertThat(badOther).hasStatus(HttpStatus.BAD_REQUEST);
        verifyNoInteractions(client);

        given(client.merge(JANE_ID, "p-3", "same", false)).willReturn(new ProfileClient.MergeAnswer(null, "No such profile."));
        MvcTestResult refused = mvc.post().uri("/profiles/{id}/merge", JANE_ID).param("other", "p-3")
                .param("reason", "same").exchange();
        assertThat(refused).hasStatus(HttpStatus.FOUND).hasRedirectedUrl("/profiles/" + JANE_ID);
        assertThat(refused).flash().containsEntry("error", "Not merged: No such profile.");
    }

    @Test
    void anAgentMovesCheckedRecordsOutAndLandsOnTheRemainingProfile() {
        given(client.split(JANE_ID, List.of("shop:77"), null))
                .willReturn(new ProfileClient.SplitAnswer(List.of(JANE_ID), List.of("p-9"), null));

        MvcTestResult result = mvc.post().uri("/profiles/{id}/split", JANE_ID).param("records", "shop:77", "shop:77")
                .exchange();

        assertThat(result).hasStatus(HttpStatus.FOUND).hasRedirectedUrl("/profiles/" + JANE_ID);
        assertThat(result).flash().containsEntry("notice",
                "Split: 1 record(s) moved to p-9; matching will not join them back.");

        given(client.split(JANE_ID, List.of("crm:123"), null))
                .willReturn(new ProfileClient.SplitAnswer(List.of("p-7", "p-8"), List.of("p-9"), null));
        MvcTestResult apart = mvc.post().uri("/profiles/{id}/split", JANE_ID).param("records", "crm:123").exchange();
        assertThat(apart).hasRedirectedUrl("/profiles/p-7");
        assertThat(apart).flash().containsEntry("notice", "Split: 1 record(s) moved to p-9; matching will not join"
                + " them back. The remaining records no longer match each other and are in p-7, p-8.");

        // the remaining records were erased while the split ran: nothing to land on, and not the moved side
        given(client.split(JANE_ID, List.of("web:5"), null))
                .willReturn(new ProfileClient.SplitAnswer(List.of(), List.of("p-9"), null));
        MvcTestResult erased = mvc.post().uri("/profiles/{id}/split", JANE_ID).param("records", "web:5").exchange();
        assertThat(erased).hasStatus(HttpStatus.FOUND).hasRedirectedUrl("/profiles");
        assertThat(erased).flash().containsEntry("notice", "Split: 1 record(s) moved to p-9; matching will not join"
                + " them back. The remaining records were erased meanwhile; this profile id no longer leads anywhere.");
    }

    @Test
    void aSplitSendsTheRecordsThePageShowedAndAKeyWithACommaStaysOneKey() {
        given(client.split(JANE_ID, List.of("crm:Doe, Jane"), List.of("crm:Doe, Jane", "shop:77")))
                .willReturn(new ProfileClient.SplitAnswer(List.of(JANE_ID), List.of("p-9"), null));

        MvcTestResult result = mvc.post().uri("/profiles/{id}/split", JANE_ID).param("records", "crm:Doe, Jane")
                .param("seen", "crm:Doe, Jane", "shop:77").exchange();

        assertThat(result).hasStatus(HttpStatus.FOUND).flash().containsEntry("notice",
                "Split: 1 record(s) moved to p-9; matching will not join them back.");
        given(client.find(JANE_ID)).willReturn(Optional.of(jane()));
        assertThat(body(mvc.get().uri("/profiles/{id}", JANE_ID).principal(signedIn("cdp-agent")).exchange()))
                .contains("<input type=\"hidden\" name=\"seen\" value=\"crm:123\">");
    }

    @Test
    void aRefusedMergeKeepsTheAgentsReasonInThatProfilesForm() {
        given(client.merge(JANE_ID, "p-3", "confirmed on the phone", false))
                .willReturn(new ProfileClient.MergeAnswer(null, "No such profile."));

        MvcTestResult refused = mvc.post().uri("/profiles/{id}/merge", JANE_ID).param("other", "p-3")
                .param("reason", " confirmed on the phone ").exchange();

        assertThat(refused).flash().containsEntry("mergeOther", "p-3").containsEntry("mergeReason", "confirmed on the phone");
    }

    @Test
    void aSplitOfNothingOrOfMalformedKeysIsNotSentAndARefusalIsShown() {
        MvcTestResult nothing = mvc.post().uri("/profiles/{id}/split", JANE_ID).exchange();
        assertThat(nothing).hasStatus(HttpStatus.FOUND).flash().containsKey("error");
        MvcTestResult malformed = mvc.post().uri("/profiles/{id}/split", JANE_ID).param("records", "no-colon")
                .exchange();
        assertThat(malformed).hasStatus(HttpStatus.BAD_REQUEST);
        MvcTestResult control = mvc.post().uri("/profiles/{id}/split", JANE_ID).param("records", "crm:1\n2").exchange();
        assertThat(control).hasStatus(HttpStatus.BAD_REQUEST);
        verifyNoInteractions(client);

        given(client.split(JANE_ID, List.of("crm:123"), null)).willReturn(
                new ProfileClient.SplitAnswer(List.of(), List.of(), "must name at least one and not all of the profile's records"));
        MvcTestResult refused = mvc.post().uri("/profiles/{id}/split", JANE_ID).param("records", "crm:123").exchange();
        assertThat(refused).hasStatus(HttpStatus.FOUND).hasRedirectedUrl("/profiles/" + JANE_ID);
        assertThat(refused).flash().containsEntry("error",
                "Not split: must name at least one and not all of the profile's records");
    }

    @Test
    void onlyAgentsGetTheSplitCheckboxes() {
        given(client.find(JANE_ID)).willReturn(Optional.of(jane()));
        assertThat(body(mvc.get().uri("/profiles/{id}", JANE_ID).principal(signedIn("cdp-agent")).exchange()))
                .contains("value=\"crm:123\"").contains("data-testid=\"split\"");
        assertThat(body(mvc.get().uri("/profiles/{id}", JANE_ID).principal(signedIn("cdp-marketer")).exchange()))
                .doesNotContain("data-testid=\"move-out\"").doesNotContain("data-testid=\"split\"")
                .doesNotContain("split-form");
    }

    @Test
    void whenTheServiceDoesNotConfirmAMergeOrSplitTheAgentIsToldToCheck() {
        given(client.merge(JANE_ID, "p-2", "same", false))
                .willThrow(new ProfileServiceException(HttpStatus.SERVICE_UNAVAILABLE, "profile service unreachable"));
        given(client.split(JANE_ID, List.of("shop:9"), null))
                .willThrow(new ProfileServiceException(HttpStatus.GATEWAY_TIMEOUT, "profile service timed out"));

        MvcTestResult merge = mvc.post().uri("/profiles/{id}/merge", JANE_ID).param("other", "p-2")
                .param("reason", "same").exchange();
        MvcTestResult split = mvc.post().uri("/profiles/{id}/split", JANE_ID).param("records", "shop:9").exchange();

        assertThat(merge).hasStatus(HttpStatus.FOUND).hasRedirectedUrl("/profiles/" + JANE_ID);
        assertThat(merge).flash().containsEntry("error", "The profile service did not confirm the merge. Reload this"
                + " page to see whether it happened before trying again.");
        assertThat(split).hasStatus(HttpStatus.FOUND).hasRedirectedUrl("/profiles/" + JANE_ID);
        assertThat(split).flash().containsKey("error");
    }

    @Test
    void escapesEverythingTheApiReturns() {
        given(client.find(JANE_ID)).willReturn(Optional.of(withFirstName("<script>alert(1)</script>")));

        String html = body(mvc.get().uri("/profiles/{id}", JANE_ID).exchange());

        assertThat(html).contains("&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain("<script>alert(1)");
    }

    @Test
    void saysSoWhenTheProfileDoesNotExist() {
        given(client.find(JANE_ID)).willReturn(Optional.empty());

        MvcTestResult result = mvc.get().uri("/profiles/{id}", JANE_ID).exchange();

        assertThat(result).hasStatus(HttpStatus.NOT_FOUND);
        assertThat(body(result)).contains("Profile not found");
    }

    @ParameterizedTest
    @ValueSource(strings = {"..%2F..%2Fetc", "a.b", "%3Cscript%3E", "white%20space",
            "x1234567890123456789012345678901234567890123456789012345678901234"})
    void rejectsMalformedProfileIdsWithoutCallingTheApi(String rawId) {
        MvcTestResult result = mvc.get().uri(URI.create("/profiles/" + rawId)).exchange();

        assertThat(result).hasStatus(HttpStatus.BAD_REQUEST);
        assertThat(body(result)).contains("Invalid profile id");
        verifyNoInteractions(client);
    }

    @Test
    void aFormerIdOfASplitProfileGetsAPageSayingWhyItIsNotOpened() {
        given(client.find("p-old")).willThrow(new ProfileServiceException(HttpStatus.CONFLICT,
                "former id of a split profile"));

        MvcTestResult result = mvc.get().uri("/profiles/p-old").principal(signedIn("cdp-agent")).exchange();

        assertThat(result).hasStatus(HttpStatus.CONFLICT);
        assertThat(body(result)).contains("Former id of a split profile").contains("Find the customer by email");
    }

    /** Keycloak refused to refresh the relayed token (its session ended): sign in again, not an error page. */
    @Test
    void anEndedKeycloakSessionSendsTheUserToSignInAgain() {
        given(client.find(JANE_ID)).willThrow(new org.springframework.security.oauth2.client.ClientAuthorizationException(
                new org.springframework.security.oauth2.core.OAuth2Error("invalid_grant", "Session not active", null),
                "keycloak"));

        MvcTestResult result = mvc.get().uri("/profiles/{id}", JANE_ID).principal(signedIn("cdp-agent")).exchange();

        assertThat(result).hasStatus(HttpStatus.FOUND).hasRedirectedUrl("/oauth2/authorization/keycloak");
    }

    @Test
    void showsAFriendlyPageWhenTheProfileServiceIsDown() {
        given(client.findByEmail(anyString()))
                .willThrow(new ProfileServiceException(HttpStatus.SERVICE_UNAVAILABLE, "profile service unreachable"));

        MvcTestResult result = mvc.post().uri("/profiles").param("email", "jane@example.com").exchange();

        assertThat(result).hasStatus(HttpStatus.SERVICE_UNAVAILABLE);
        assertThat(body(result)).contains("Profile service unavailable").doesNotContain("Exception");
    }

    private static String body(MvcTestResult result) {
        try {
            return result.getResponse().getContentAsString();
        } catch (UnsupportedEncodingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The HTML of the table row with this test id. */
    static String row(String html, String testId) {
        int start = html.indexOf("data-testid=\"" + testId + "\"");
        assertThat(start).as("row %s", testId).isNotNegative();
        return html.substring(start, html.indexOf("</tr>", start));
    }
}
