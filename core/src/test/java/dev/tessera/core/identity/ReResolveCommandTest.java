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
}
