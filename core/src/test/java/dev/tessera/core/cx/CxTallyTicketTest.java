package dev.tessera.core.cx;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CxTallyTicketTest {

    private static final Instant T = Instant.parse("2026-03-01T10:00:00Z");

    @Test
    void solvesAreKeptInOrderWhateverOrderTheyArriveInTheLatestSixteen() {
        CxTally.Ticket a = new CxTally.Ticket(T, T, null, null, false);
        CxTally.Ticket b = a;
        for (int k = 0; k < 20; k++) {
            a = a.solved(T.plusSeconds(k));
            b = b.solved(T.plusSeconds(19 - k));
        }
        assertThat(a).isEqualTo(b);
        assertThat(a.solves()).hasSize(CxTally.Ticket.SOLVES_KEPT).first().isEqualTo(T.plusSeconds(4));
        assertThat(a.lastSolvedAt()).isEqualTo(T.plusSeconds(19));
        assertThat(a.solvedBetween(T.plusSeconds(10), T.plusSeconds(10))).isTrue();
        assertThat(a.solvedBetween(T.minusSeconds(5), T.minusSeconds(1))).isFalse();
    }

    @Test
    void aTicketOpenedOnceIsSolvedByAnySolveAndOnlyAReopeningAfterASolveOpensItAgain() {
        CxTally.Ticket opened = new CxTally.Ticket(T, T, null, null, false);
        assertThat(opened.open()).isTrue();
        // solved "at midnight" of the day it was opened at ten (a date-only solve time): solved, not open for ever
        assertThat(opened.solved(Instant.parse("2026-03-01T00:00:00Z")).open()).isFalse();
        assertThat(opened.solved(T.plusSeconds(60)).open()).isFalse();
        // opened again after the solve: open; and solved once more after that: not
        CxTally.Ticket reopened = new CxTally.Ticket(T, T.plusSeconds(3600), null, null, false).solved(T.plusSeconds(60));
        assertThat(reopened.open()).isTrue();
        assertThat(reopened.solved(T.plusSeconds(7200)).open()).isFalse();
    }

    @Test
    void aTicketStoredBeforeSolvesWereKeptReadsAsItsLastSolving() {
        CxTally.Ticket old = CxJson.read("{\"firstOpenedAt\":\"2026-03-01T10:00:00Z\",\"lastOpenedAt\":"
                + "\"2026-03-01T10:00:00Z\",\"lastSolvedAt\":\"2026-03-02T10:00:00Z\",\"complaint\":true}",
                CxTally.Ticket.class);

        assertThat(old.solves()).containsExactly(Instant.parse("2026-03-02T10:00:00Z"));
        assertThat(CxJson.read(CxJson.write(old), CxTally.Ticket.class)).isEqualTo(old);
        assertThat(new CxTally.Ticket(T, T, null, null, false).solves()).isEqualTo(List.of());
    }
}
