package dev.tessera.adminui.profile;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/** One page of search results from the profile service. */
@JsonIgnoreProperties(ignoreUnknown = true)
record ProfileList(List<Profile> items, int count, Long total) {

    ProfileList(List<Profile> items, int count) {
        this(items, count, (long) count);
    }

    ProfileList {
        items = items == null ? List.of() : List.copyOf(items);
        total = Math.max(total == null ? 0 : total, items.size()); // every match, returned or not
    }
}
