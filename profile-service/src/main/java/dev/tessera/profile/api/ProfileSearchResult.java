package dev.tessera.profile.api;

import java.util.List;

/**
 * One page of profiles matching a search. Several profiles can share an identifier (a family mailbox,
 * say). {@code count} is the number of items on this page, {@code total} of matches in all pages (for
 * name searches at most 1000, and counted from the name index, which can briefly lag behind changes).
 */
record ProfileSearchResult(List<ProfileView> items, int count, long total, int page, int size) {

    ProfileSearchResult(List<ProfileView> items, long total, int page, int size) {
        this(List.copyOf(items), items.size(), total, page, size);
    }
}
