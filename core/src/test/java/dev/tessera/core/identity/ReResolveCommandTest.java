package dev.tessera.core.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The re-resolution command line: the identity settings it re-resolves with. */
class ReResolveCommandTest {

    @Test
    void claimedSourcesAndTheOtherSettingsAreRead() {
        ReResolveCommand.Options options = ReResolveCommand.parse(null, "--claimed-sources", "web, nps-survey",
                "--source-priority", "crm,shop", "--max-block", "16", "--apply");

        assertThat(options.apply()).isTrue();
        assertThat(options.settings().claimedSources()).containsExactlyInAnyOrder("web", "nps-survey");
        assertThat(options.settings().survivorship().sourcePriority()).containsExactly("crm", "shop");
        assertThat(options.settings().maxBlock()).isEqualTo(16);
        assertThat(ReResolveCommand.parse(null).settings()).isEqualTo(IdentitySettings.defaults());
        assertThat(ReResolveCommand.parse(null).apply()).isFalse(); // a dry run unless asked
    }

    @Test
    void aClaimedSourceThatIsNoSourceNameIsAUsageError() {
        assertThatThrownBy(() -> ReResolveCommand.parse(null, "--claimed-sources", "Web Events"))
                .isInstanceOf(ReResolveCommand.UsageException.class)
                .hasMessageContaining("'Web Events' is not a source name");
        assertThatThrownBy(() -> ReResolveCommand.parse(null, "--claimed-sources"))
                .hasMessage("--claimed-sources needs a value");
    }

    @Test
    void theTombstoneSecretIsTheAppsReferenceFromTheEnvironmentOrTheCommandLine() {
        assertThat(ReResolveCommand.parse(null).tombstoneSecret()).isNull(); // the key kept in Redis
        assertThat(ReResolveCommand.parseWithSecret(null, "env:TESSERA_KEY").tombstoneSecret())
                .isEqualTo("env:TESSERA_KEY");
        assertThat(ReResolveCommand.parseWithSecret(null, "env:TESSERA_KEY", "--tombstone-secret", "file:/run/key")
                .tombstoneSecret()).isEqualTo("file:/run/key");
        assertThatThrownBy(() -> ReResolveCommand.parse(null, "--tombstone-secret", "s3cret-inline-value"))
                .isInstanceOf(ReResolveCommand.UsageException.class)
                .hasMessageContaining("env:NAME or file:/path")
                .hasMessageNotContaining("s3cret");
    }
}
