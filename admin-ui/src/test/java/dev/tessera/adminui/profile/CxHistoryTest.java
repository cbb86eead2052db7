package dev.tessera.adminui.profile;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class CxHistoryTest {

    @Test
    void handlingTimesReadAsAnAgentSaysThem() {
        assertThat(CxHistory.Metrics.readable(null)).isEqualTo("–");
        assertThat(CxHistory.Metrics.readable(Duration.ofSeconds(59))).isEqualTo("0 min");
        assertThat(CxHistory.Metrics.readable(Duration.ofMinutes(45))).isEqualTo("45 min");
        assertThat(CxHistory.Metrics.readable(Duration.ofMinutes(120))).isEqualTo("2 h");
        assertThat(CxHistory.Metrics.readable(Duration.ofMinutes(200))).isEqualTo("3 h 20 min");
        assertThat(CxHistory.Metrics.readable(Duration.ofHours(47).plusMinutes(59))).isEqualTo("47 h 59 min");
        assertThat(CxHistory.Metrics.readable(Duration.ofHours(48))).isEqualTo("2 d");
        assertThat(CxHistory.Metrics.readable(Duration.ofHours(76))).isEqualTo("3 d 4 h");
    }

    @Test
    void historyFiltersAreReadFromTheirParameterOnly() {
        assertThat(HistoryFilter.of(null)).contains(HistoryFilter.ALL);
        assertThat(HistoryFilter.of("support")).contains(HistoryFilter.SUPPORT);
        assertThat(HistoryFilter.of("SUPPORT")).isEmpty();
        assertThat(HistoryFilter.of("<script>")).isEmpty();
        assertThat(HistoryFilter.SUPPORT.kinds()).containsExactly("ticket_opened", "ticket_replied", "ticket_solved");
        assertThat(HistoryFilter.ALL.kinds()).isEmpty();
    }
}
