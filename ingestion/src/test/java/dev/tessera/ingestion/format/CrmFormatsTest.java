package dev.tessera.ingestion.format;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.Interaction;
import dev.tessera.core.model.InteractionKind;
import dev.tessera.ingestion.format.PayloadRejectedException.Reason;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

class CrmFormatsTest {

    @Test
    void hubSpotContactWebhookGivesTheContactAndACrmActivity() {
        MappedItem item = VendorFormats.withDefaults().byName("hubspot-contact-webhook")
                .map(Samples.webhook("hubspot", "crm/hubspot_webhook_contact_workflow.json")).items().get(0);

        CustomerRecord kovat = item.record();
        assertThat(kovat.id().key()).isEqualTo("hubspot:251");
        assertThat(ShopFormatsTest.ids(kovat)).isEqualTo("[EMAIL=kovatif642@cyclesat.com, EXTERNAL_ID=hubspot-vid:251]");
        assertThat(kovat.observedAt()).isEqualTo(Instant.ofEpochMilli(1680448122728L));
        assertThat(kovat.attributes()).containsEntry("first_name", "Kovat").containsEntry("last_name", "Tif")
                .containsEntry("job_title", "Writer").containsEntry("lifecycle_stage", "lead");
        Interaction activity = item.interactions().get(0);
        assertThat(activity.kind()).isEqualTo(InteractionKind.CRM_ACTIVITY);
        assertThat(activity.id()).isEqualTo("hubspot:contact:251:1680448122728");
        assertThat(activity.touchpoint()).isEqualTo("crm");
        // created 1680448099688, modified 23 s later: HubSpot's own recalculation right after creating it
        assertThat(activity.attributes()).containsEntry("event", "contact_created").containsEntry("owner", "823493108");
    }

    @Test
    void aHubSpotContactModifiedLaterThanItsCreationIsAnUpdate() {
        ObjectNode body = Samples.webhookBody("crm/hubspot_webhook_contact_workflow.json");
        ((ObjectNode) body.path("properties").path("lastmodifieddate")).put("value", Long.toString(1680448099688L + 301_000));

        Interaction activity = VendorFormats.withDefaults().byName("hubspot-contact-webhook")
                .map(Samples.payload("hubspot", body)).interactions().findFirst().orElseThrow();

        assertThat(activity.attributes()).containsEntry("event", "contact_updated");
    }

    @Test
    void salesforceSObjectTreeContactsBecomeRecordsKeyedByReferenceId() {
        FormatOptions us = FormatOptions.defaults().withPhoneRegion("US");

        MappedPayload mapped = new VendorFormats(us).byName("salesforce-contact-sobject")
                .map(Samples.payload("sf", "crm/salesforce_contacts_sobject_tree.json"));

        assertThat(mapped.rejections()).isEmpty();
        assertThat(mapped.items()).hasSize(6);
        CustomerRecord amy = mapped.items().get(0).record();
        assertThat(amy.id().key()).isEqualTo("sf:ContactRef1");
        assertThat(ShopFormatsTest.ids(amy)).isEqualTo("[EMAIL=amy@demo.net, PHONE=+14152568563]");
        assertThat(amy.observedAt()).isEqualTo(Samples.RECEIVED);
        assertThat(amy.attributes()).containsEntry("first_name", "Amy").containsEntry("last_name", "Taylor")
                .containsEntry("job_title", "VP of Engineering").containsEntry("account", "@AccountRef1");
    }

    @Test
    void salesforceAccountsAreRejectedOneByOne() {
        MappedPayload mapped = VendorFormats.withDefaults().byName("salesforce-contact-sobject")
                .map(Samples.payload("sf", "crm/salesforce_accounts_sobject_tree.json"));

        assertThat(mapped.items()).isEmpty();
        assertThat(mapped.rejections()).hasSize(10).allSatisfy(r -> {
            assertThat(r.reason()).isEqualTo(Reason.UNKNOWN_VALUE);
            assertThat(r.message()).contains("'attributes.type'");
        });
    }

    @Test
    void salesforceLastModifiedDateWithoutColonInTheOffsetIsRead() {
        String json = """
                {"attributes": {"type": "Contact", "url": "/services/data/v60.0/sobjects/Contact/003xx"},
                 "Id": "003xx000004TmiQAAS", "Email": "a@example.com", "LastModifiedDate": "2024-03-01T10:15:00.000+0000"}""";

        CustomerRecord record = VendorFormats.withDefaults().byName("salesforce-contact-sobject")
                .map(Samples.payload("sf", json, true)).items().get(0).record();

        assertThat(record.id().key()).isEqualTo("sf:003xx000004TmiQAAS");
        assertThat(record.observedAt()).isEqualTo(Instant.parse("2024-03-01T10:15:00Z"));
    }
}
