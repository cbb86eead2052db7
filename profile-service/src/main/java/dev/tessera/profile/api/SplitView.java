package dev.tessera.profile.api;

import java.util.List;

/** Where the records of a split profile went. */
record SplitView(String split, List<String> remaining, List<String> movedOut) {}
