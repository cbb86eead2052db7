package dev.tessera.profile.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/** Marketer field rules and rate limits are bound and validated at start-up, naming the bad setting. */
class PrivacySettingsBindingTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(ProfileServiceProperties.class)
    static class Settings {
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner().withUserConfiguration(Settings.class);

    @Test
    void byDefaultMarketersSeeNoPersonalDataInClearAndLimitsApply() {
        runner.run(context -> {
            ProfileServiceProperties properties = context.getBean(ProfileServiceProperties.class);
            assertThat(properties.privacy().marketer().visibleFields()).isEmpty();
            assertThat(properties.rateLimit().search()).isEqualTo(60);
            assertThat(properties.rateLimit().profileReads()).isEqualTo(600);
            assertThat(properties.rateLimit().window()).isEqualTo(Duration.ofMinutes(1));
        });
    }

    @Test
    void visibleFieldsAreConfigurable() {
        runner.withPropertyValues("tessera.privacy.marketer.visible-fields=city,country").run(context ->
                assertThat(context.getBean(ProfileServiceProperties.class).privacy().marketer().visibleFields())
                        .containsExactly("city", "country"));
    }

    @Test
    void invalidSettingsStopTheStartNamingTheSetting() {
        runner.withPropertyValues("tessera.privacy.marketer.visible-fields=City!").run(context ->
                assertThat(context.getStartupFailure()).hasStackTraceContaining("privacy.marketer.visibleFields"));
        runner.withPropertyValues("tessera.rate-limit.search=0").run(context ->
                assertThat(context.getStartupFailure()).hasStackTraceContaining("rateLimit.search"));
        runner.withPropertyValues("tessera.rate-limit.window=2d").run(context ->
                assertThat(context.getStartupFailure()).hasStackTraceContaining("rateLimit.windowValid"));
    }
}
