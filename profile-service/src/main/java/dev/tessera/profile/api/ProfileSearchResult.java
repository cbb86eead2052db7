package dev.tessera.profile.api;

import java.util.List;

/** Profiles matching a search. Several profiles can share an identifier (a family mailbox, say). */
record ProfileSearchResult(List<ProfileView> items, int count) {

    ProfileSearchResult(List<ProfileView> items) {
        this(List.copyOf(items), items.size());
    }
}
