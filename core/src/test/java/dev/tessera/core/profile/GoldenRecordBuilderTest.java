package dev.tessera.core.profile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.GoldenValue;
import dev.tessera.core.model.SourceRecordId;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GoldenRecordBuilderTest {

    private final GoldenRecordBuilder builder = new GoldenRecordBuilder();

    @Test
    void mostRecentValueWinsAndRemembersItsSource() {
        CustomerRecord old = record("1", "2024-01-01T00:00:00Z", Map.of("city", "Leeds", "first_name", "Jane"));
        CustomerRecord recent = record("2", "2025-06-01T00:00:00Z", Map.of("city", "York"));

        Map<String, GoldenValue> golden = builder.golden(List.of(recent, old));

        assertThat(golden.get("city").value()).isEqualTo("York");
        assertThat(golden.get("city").sourceRecord()).isEqualTo(new SourceRecordId("crm", "2"));
        assertThat(golden.get("first_name").value()).isEqualTo("Jane");
        assertThat(golden.get("first_name").observedAt()).isEqualTo(Instant.parse("2024-01-01T00:00:00Z"));
    }

    @Test
    void resultDoesNotDependOnInputOrderWhenTimesTie() {
        CustomerRecord a = record("a", "2025-01-01T00:00:00Z", Map.of("city", "Leeds"));
        CustomerRecord b = record("b", "2025-01-01T00:00:00Z", Map.of("city", "York"));

        assertThat(builder.golden(List.of(a, b))).isEqualTo(builder.golden(List.of(b, a)));
    }

    @Test
    void blankValuesNeverSurvive() {
        CustomerRecord withBlank = record("1", "2026-01-01T00:00:00Z", Map.of("city", "  "));
        CustomerRecord withValue = record("2", "2020-01-01T00:00:00Z", Map.of("city", "Leeds"));

        assertThat(builder.golden(List.of(withBlank, withValue)).get("city").value()).isEqualTo("Leeds");
    }

    private static CustomerRecord record(String id, String at, Map<String, String> attributes) {
        return new CustomerRecord(new SourceRecordId("crm", id), Instant.parse(at), List.of(), attributes);
    }
}
