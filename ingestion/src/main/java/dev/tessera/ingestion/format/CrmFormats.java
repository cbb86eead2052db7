package dev.tessera.ingestion.format;

import static dev.tessera.ingestion.format.Json.text;
import static dev.tessera.ingestion.format.PayloadRejectedException.Reason.MISSING_IDENTIFIER;
import static dev.tessera.ingestion.format.PayloadRejectedException.Reason.UNKNOWN_VALUE;

import dev.tessera.core.model.Attributes;
import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.InteractionKind;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/** HubSpot contact webhooks (legacy v1 contact body) and Salesforce contacts as sObject JSON. */
final class CrmFormats {

    /** Namespace of HubSpot contact ids: merged contacts keep their old vids in {@code merged-vids}. */
    static final String HUBSPOT_NAMESPACE = "hubspot-vid";
    private static final Set<String> SALESFORCE_PEOPLE = Set.of("Contact", "Lead");

    private CrmFormats() {}

    /**
     * {@code hubspot-contact-webhook}: a workflow webhook's contact ({@code vid}, {@code properties.*.value});
     * the record and a CRM_ACTIVITY for the change at {@code lastmodifieddate}.
     */
    static final class HubSpotContact extends JsonFormat {

        /** A contact modified within this time of its creation is reported as created. */
        static final java.time.Duration CREATED_WITHIN = java.time.Duration.ofMinutes(5);

        HubSpotContact(FormatOptions options) {
            super("hubspot-contact-webhook", options);
        }

        @Override
        MappedPayload map(SourcePayload payload, JsonNode root) {
            JsonNode contact = Json.requireObject(root, "the contact");
            String vid = text(contact, "canonical-vid").orElseGet(() -> Json.requireId(contact, "vid"));
            JsonNode p = contact.path("properties");
            Optional<Instant> modified = Json.epoch(p, "lastmodifieddate.value");
            Optional<Instant> created = Json.epoch(p, "createdate.value");
            Instant observedAt = modified.or(() -> created).orElse(payload.receivedAt());
            Person person = new Person(Person.recordId(payload.source(), vid, "canonical-vid"), observedAt, phones)
                    .email(value(p, "email"))
                    .phone(value(p, "mobilephone"), Optional.empty())
                    .phone(value(p, "phone"), Optional.empty())
                    .external(HUBSPOT_NAMESPACE, Optional.of(vid))
                    .external(HUBSPOT_NAMESPACE, text(contact, "vid"))
                    .attribute(Attributes.FIRST_NAME, value(p, "firstname"))
                    .attribute(Attributes.LAST_NAME, value(p, "lastname"))
                    .attribute(Attributes.BIRTH_DATE, value(p, "date_of_birth"))
                    .attribute(Attributes.STREET, value(p, "address"))
                    .attribute(Attributes.CITY, value(p, "city"))
                    .attribute(Attributes.POSTCODE, value(p, "zip"))
                    .attribute("region", value(p, "state"))
                    .attribute(Attributes.COUNTRY, value(p, "country"))
                    .attribute("job_title", value(p, "jobtitle"))
                    .attribute("company", value(p, "company"))
                    .attribute("lifecycle_stage", value(p, "lifecyclestage"));
            for (JsonNode merged : contact.path("merged-vids")) {
                if (merged.isIntegralNumber() || merged.isString()) {
                    person.external(HUBSPOT_NAMESPACE, Optional.of(merged.asString()));
                }
            }
            for (JsonNode profile : contact.path("identity-profiles")) {
                for (JsonNode identity : profile.path("identities")) {
                    if ("EMAIL".equals(text(identity, "type").orElse(""))) {
                        person.email(text(identity, "value"));
                    }
                }
            }
            CustomerRecord record = person.record();
            Map<String, String> attributes = new LinkedHashMap<>();
            // HubSpot recalculates properties right after creating a contact, so a new one is modified seconds later
            boolean justCreated = modified.isEmpty() || (created.isPresent()
                    && java.time.Duration.between(created.get(), modified.get()).compareTo(CREATED_WITHIN) <= 0);
            attributes.put("event", justCreated ? "contact_created" : "contact_updated");
            attributes.put("lifecycle_stage", record.attributes().get("lifecycle_stage"));
            attributes.put("owner", value(p, "hubspot_owner_id").orElse(null));
            // one activity per change: the same delivery retried has the same modification time
            var activity = Events.of(Events.id(record.id(), "contact", vid, Long.toString(observedAt.toEpochMilli())),
                    record.id(), InteractionKind.CRM_ACTIVITY, null, "crm", observedAt, null, null, attributes);
            return MappedPayload.of(new MappedItem(record, List.of(activity)));
        }

        private static Optional<String> value(JsonNode properties, String name) {
            return text(properties.path(name), "value");
        }
    }

    /**
     * {@code salesforce-contact-sobject}: Contact or Lead records as sObject JSON: an sObject Tree file
     * ({@code records[]} with {@code attributes.referenceId}), a REST query result, or one record. The
     * record's {@code Id}, else its {@code referenceId}, is the source id.
     */
    static final class SalesforceContact extends JsonFormat {

        SalesforceContact(FormatOptions options) {
            super("salesforce-contact-sobject", options);
        }

        @Override
        MappedPayload map(SourcePayload payload, JsonNode root) {
            return pageOrOne(root, "records", "record", contact -> {
                String type = text(contact, "attributes.type").orElse("Contact");
                if (!SALESFORCE_PEOPLE.contains(type)) {
                    throw new PayloadRejectedException(UNKNOWN_VALUE, "'attributes.type' is not Contact or Lead");
                }
                String id = text(contact, "Id").or(() -> text(contact, "attributes.referenceId"))
                        .orElseThrow(() -> new PayloadRejectedException(MISSING_IDENTIFIER,
                                "missing identifier: neither 'Id' nor 'attributes.referenceId'"));
                Instant observedAt = Json.instant(contact, "LastModifiedDate")
                        .or(() -> Json.instant(contact, "SystemModstamp")).orElse(payload.receivedAt());
                Optional<String> country = text(contact, "MailingCountryCode").or(() -> text(contact, "MailingCountry"))
                        .filter(c -> c.length() == 2);
                Person person = new Person(Person.recordId(payload.source(), id, "Id"), observedAt, phones)
                        .email(text(contact, "Email"))
                        .phone(text(contact, "MobilePhone"), country)
                        .phone(text(contact, "Phone"), country)
                        .attribute(Attributes.FIRST_NAME, text(contact, "FirstName"))
                        .attribute(Attributes.LAST_NAME, text(contact, "LastName"))
                        .attribute(Attributes.BIRTH_DATE, text(contact, "Birthdate"))
                        .attribute(Attributes.STREET, text(contact, "MailingStreet"))
                        .attribute(Attributes.CITY, text(contact, "MailingCity"))
                        .attribute(Attributes.POSTCODE, text(contact, "MailingPostalCode"))
                        .attribute("region", text(contact, "MailingState"))
                        .attribute(Attributes.COUNTRY, text(contact, "MailingCountryCode").or(() -> text(contact, "MailingCountry")))
                        .attribute("job_title", text(contact, "Title"))
                        .attribute("account", text(contact, "AccountId"))
                        .attribute("salesforce_type", Optional.of(type));
                return List.of(new MappedItem(person.record(), List.of()));
            });
        }
    }
}
