package dev.lockstep.bench.rtkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.bench.engine.Divergence;
import dev.lockstep.bench.engine.KnownDivergences;
import dev.lockstep.bench.target.AgentTarget;
import dev.lockstep.models.rtkit.ApModel;
import dev.lockstep.models.rtkit.ClientOps;
import dev.lockstep.models.rtkit.Message;
import dev.lockstep.models.rtkit.RtkitOptions;
import dev.lockstep.reports.CampaignSummary;
import dev.lockstep.reports.Finding;
import dev.lockstep.reports.Transcript;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every RTKit finding's detail carries the message transcript up to the divergence, which the report reads back. */
class RtkitTranscriptTest {
    static AgentTarget target;

    @BeforeAll
    static void open(@TempDir Path dir) throws Exception {
        target = RtkitCampaign.open(dir);
    }

    @AfterAll
    static void close() {
        target.close();
    }

    static ApModel model() {
        return new ApModel(RtkitOptions.defaults(), ClientOps.withoutShmemOps());
    }

    @Test
    void everyFindingOfAShortCampaignHasItsTranscriptInDetailTxt(@TempDir Path out) throws Exception {
        CampaignSummary sum = RtkitCampaign.run(target, out, new RtkitCampaign.Settings(1, 400, Duration.ofSeconds(20), List.of()),
                KnownDivergences.none(), new PrintStream(new ByteArrayOutputStream()));
        assertFalse(sum.findings().isEmpty(), "a 400-step campaign of seed 1 finds something");
        for (Finding f : sum.findings()) {
            String detail = Files.readString(out.resolve("findings").resolve(f.id()).resolve("detail.txt"), StandardCharsets.UTF_8);
            // The title stays the first line (the dedup key); the transcript block follows the scoreboard's lines.
            assertEquals(f.title(), detail.lines().findFirst().orElse(""));
            int begin = detail.indexOf("\n" + RtkitTranscript.BEGIN + "\n");
            int end = detail.indexOf("\n" + RtkitTranscript.END, begin);
            assertTrue(begin > 0 && end > begin, f.title() + ":\n" + detail);
            String block = detail.substring(begin, end);
            String expected = "  diverges: " + f.title().substring("rtkit: ".length()) + "\n";
            assertTrue(block.contains(expected), f.title() + ":\n" + block);
            assertTrue(block.contains("\n  model: ") && block.contains("\n  driver: "), f.title() + ":\n" + block);
            // What the report draws from it.
            Transcript t = Transcript.parse(detail).orElseThrow(() -> new AssertionError("unreadable transcript:\n" + detail));
            assertEquals(f.title().substring("rtkit: ".length()), t.divergence());
            assertTrue(t.lines().stream().anyMatch(l -> l.side() != Transcript.Side.AGREED), block);
            assertTrue(t.arrows().stream().anyMatch(a -> a.highlight() && !a.isRule()), block);
            // summary.json carries the same detail.
            assertTrue(f.detail().contains(RtkitTranscript.BEGIN), f.title());
        }
    }

    @Test
    void aLeakAtFreeShowsTheWholeCaseThenTheTeardown() throws Exception {
        List<RtkitStep> steps = List.of(new RtkitStep.Fw(new Message(0x0010100000000000L, 2)),
                new RtkitStep.Fw(new Message(0x0010200000000000L, 2)));
        Divergence d = new RtkitCaseRunner(target, model(), null).run(steps).divergences().get(0);
        assertEquals("rtkit: FREE leaks arena blocks", d.title());
        Transcript t = Transcript.parse(d.detail()).orElseThrow();
        List<String> agreed = t.lines().stream().filter(l -> l.side() == Transcript.Side.AGREED).map(l -> l.kind() + ": " + l.text())
                .toList();
        assertEquals(5, agreed.size(), agreed.toString());
        assertEquals("IOP -> AP: syslog buffer (ep 0x02, 0x0010100000000000)", agreed.get(0));
        assertTrue(agreed.get(1).startsWith("AP -> IOP: syslog buffer (ep 0x02, "), agreed.get(1));
        assertEquals("call: free (teardown)", agreed.get(4));
        assertTrue(d.detail().contains("\n  model: free: nothing leaked\n  driver: free: leaks 0 kmalloc objects, 1 arena blocks\n"),
                d.detail());
    }

    @Test
    void aCallThatReturnsDifferentlyShowsBothReturns() throws Exception {
        // A send on a system endpoint before the handshake: the model refuses it, the driver sends it.
        List<RtkitStep> steps = List.of(RtkitStep.parse("call send 0x06 0x124997e0d3b4d586"));
        Divergence d = new RtkitCaseRunner(target, model(), null).run(steps).divergences().get(0);
        assertTrue(d.detail().contains("""
                rtkit transcript:
                  call: send(ep 6)
                  diverges: after call send(system ep) the driver sends the client's message, the model does not
                  model: return: send(ep 6) = -EINVAL
                  driver: AP -> IOP: sys 0x06 unknown (ep 0x06, 0x124997e0d3b4d586)
                  driver: return: send(ep 6) = 0
                end of transcript"""), d.detail());
    }
}
