package dev.tessera.adminui;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

class AdminUiPropertiesTest {

    private final ApplicationContextRunner context = new ApplicationContextRunner().withUserConfiguration(Config.class);

    @Test
    void defaultsToALocalProfileService() {
        context.run(ctx -> assertThat(ctx.getBean(AdminUiProperties.class).profileService().baseUri())
                .isEqualTo(URI.create("http://localhost:8081")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://profiles.internal:8443", "http://127.0.0.1:9000/base"})
    void acceptsHttpUrls(String url) {
        context.withPropertyValues("tessera.profile-service.url=" + url)
                .run(ctx -> assertThat(ctx.getBean(AdminUiProperties.class).profileService().url()).isEqualTo(url));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://profiles.internal", "localhost:8081", "http://", "http://host/?q=1", " "})
    void refusesToStartWithAnythingElse(String url) {
        context.withPropertyValues("tessera.profile-service.url=" + url)
                .run(ctx -> assertThat(ctx).getFailure()
                        .rootCause()
                        .isInstanceOf(BindValidationException.class)
                        .hasMessageContaining("profileService.url"));
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(AdminUiProperties.class)
    static class Config {}
}
