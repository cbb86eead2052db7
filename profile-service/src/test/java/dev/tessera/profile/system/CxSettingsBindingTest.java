package dev.tessera.profile.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.core.cx.CxSettings;
import dev.tessera.core.cx.JourneyRule;
import dev.tessera.core.cx.JourneyStage;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** CX settings come from configuration: journey rules in order, with the defaults where nothing is set. */
class CxSettingsBindingTest {

    @Test
    void journeyRulesAndTheComplaintMarkerAreConfigurable() {
        ProfileServiceProperties properties = bind(Map.of(
                "tessera.cx.complaint-value", "beschwerde",
                "tessera.cx.journey[0].stage", "churned",
                "tessera.cx.journey[0].conditions[0].metric", "days-since-last-interaction",
                "tessera.cx.journey[0].conditions[0].op", "gt",
                "tessera.cx.journey[0].conditions[0].value", "90",
                "tessera.cx.journey[1].stage", "use"));

        CxSettings cx = properties.cx();
        assertThat(cx.complaintValue()).isEqualTo("beschwerde");
        assertThat(cx.journey()).extracting(JourneyRule::stage).containsExactly(JourneyStage.CHURNED, JourneyStage.USE);
        assertThat(cx.journey().get(0).conditions()).singleElement()
                .satisfies(c -> assertThat(c.value()).isEqualTo(90.0));
        assertThat(cx.moments()).isEqualTo(CxSettings.DEFAULT_MOMENTS);
    }

    @Test
    void withoutSettingsTheDefaultsApply() {
        assertThat(bind(Map.of()).cx()).isEqualTo(CxSettings.defaults());
    }

    private static ProfileServiceProperties bind(Map<String, String> settings) {
        return new Binder(new MapConfigurationPropertySource(settings))
                .bindOrCreate("tessera", ProfileServiceProperties.class);
    }
}
