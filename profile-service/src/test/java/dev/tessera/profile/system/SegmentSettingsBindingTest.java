package dev.tessera.profile.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/** Segment settings and the segments kept in configuration are checked at start-up, naming the bad setting. */
class SegmentSettingsBindingTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(ProfileServiceProperties.class)
    static class Settings {
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner().withUserConfiguration(Settings.class);

    @Test
    void defaultsAndSeeds() {
        runner.run(context -> {
            ProfileServiceProperties.Segments segments = context.getBean(ProfileServiceProperties.class).segments();
            assertThat(segments.max()).isEqualTo(200);
            assertThat(segments.refreshEvery()).isEqualTo(Duration.ofHours(1));
            assertThat(segments.seed()).isEmpty();
        });
        runner.withPropertyValues("tessera.segments.seed[0].name=Detractors",
                "tessera.segments.seed[0].rule={\"nps_category\": \"detractor\"}").run(context ->
                assertThat(context.getBean(ProfileServiceProperties.class).segments().seed())
                        .singleElement().satisfies(s -> assertThat(s.name()).isEqualTo("Detractors")));
    }

    @Test
    void aSeedWithABadRuleOrNameStopsTheStartNamingThePlace() {
        runner.withPropertyValues("tessera.segments.seed[0].name=Bad",
                "tessera.segments.seed[0].rule={\"all\": [{\"metric\": \"happiness\", \"op\": \"gt\", \"value\": 1}]}")
                .run(context -> assertThat(context.getStartupFailure())
                        .hasStackTraceContaining("tessera.segments.seed[0].rule.all[0].metric"));
        runner.withPropertyValues("tessera.segments.seed[0].rule={\"has\": \"email\"}").run(context ->
                assertThat(context.getStartupFailure()).hasStackTraceContaining("tessera.segments.seed[0].name"));
        runner.withPropertyValues("tessera.segments.max=0").run(context ->
                assertThat(context.getStartupFailure()).hasStackTraceContaining("segments.max"));
        runner.withPropertyValues("tessera.segments.refresh-every=10s").run(context ->
                assertThat(context.getStartupFailure()).hasStackTraceContaining("segments.refreshEveryValid"));
    }
}
