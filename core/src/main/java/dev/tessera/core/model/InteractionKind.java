package dev.tessera.core.model;

/** What happened between a customer and the company. */
public enum InteractionKind {
    ORDER,
    RETURN,
    TICKET_OPENED,
    TICKET_REPLIED,
    TICKET_SOLVED,
    SURVEY_RESPONSE,
    CRM_ACTIVITY,
    CONSENT_CHANGE,
    PROFILE_MERGED,
    PROFILE_SPLIT,
    CUSTOM
}
