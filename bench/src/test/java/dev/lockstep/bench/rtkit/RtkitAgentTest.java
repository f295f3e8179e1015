package dev.lockstep.bench.rtkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.bench.engine.Divergence;
import dev.lockstep.bench.engine.KnownDivergences;
import dev.lockstep.models.rtkit.ApCall;
import dev.lockstep.models.rtkit.ApModel;
import dev.lockstep.models.rtkit.ClientOps;
import dev.lockstep.models.rtkit.FirmwareDescription;
import dev.lockstep.models.rtkit.FirmwareModel;
import dev.lockstep.models.rtkit.Message;
import dev.lockstep.models.rtkit.RtkitOptions;
import dev.lockstep.reports.CampaignSummary;
import dev.lockstep.reports.Finding;
import dev.lockstep.reports.SummaryJson;
import dev.lockstep.bench.target.AgentTarget;
import java.io.PrintStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real rtkit.c in the host agent against the model: a boot, a crash, and a short campaign. */
class RtkitAgentTest {
    static AgentTarget target;
    static final FirmwareModel FW = new FirmwareModel(FirmwareDescription.typical());

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
    void wellFormedBootRunsAndMatchesTheModelMessageByMessage() throws Exception {
        RtkitSession s = new RtkitSession(target);
        RtkitScoreboard board = new RtkitScoreboard(model());
        target.reset();
        s.init();
        List<Message> driver = new ArrayList<>();
        List<Message> modelSent = new ArrayList<>();
        RtkitSession.Outcome last = null;
        List<RtkitStep> steps = FW.boot().stream().map(RtkitStep::of).toList();
        for (int i = 0; i < steps.size(); i++) {
            last = s.apply(steps.get(i));
            assertEquals(List.of(), board.judge(i, steps.get(i), last));
            driver.addAll(last.sent());
            modelSent.addAll(board.lastStep().sent());
        }
        assertTrue(last.running());
        assertEquals(0L, last.returned().orElseThrow());
        assertEquals(modelSent.size(), driver.size());
        assertEquals(modelSent.get(modelSent.size() - 1), driver.get(driver.size() - 1)); // AP_PWR ON
        assertEquals(List.of(), board.release(steps.size(), s.free()));
    }

    @Test
    void afterACrashSendsFailWithEinvalUntilReinit() throws Exception {
        List<RtkitStep> steps = new ArrayList<>(FW.boot().stream().map(RtkitStep::of).toList());
        steps.add(new RtkitStep.Fw(FW.crash()));
        steps.add(new RtkitStep.Call(new ApCall.Send(0x20, 0x1234)));
        steps.add(new RtkitStep.Call(new ApCall.StartEp(0x20)));
        RtkitSession s = new RtkitSession(target);
        RtkitScoreboard board = new RtkitScoreboard(model());
        target.reset();
        s.init();
        RtkitSession.Outcome o = null;
        for (int i = 0; i < steps.size(); i++) {
            o = s.apply(steps.get(i));
            assertEquals(List.of(), board.judge(i, steps.get(i), o), steps.get(i).toString());
            if (i == steps.size() - 3) {
                assertTrue(o.crashed());
                assertEquals(1, o.callbacks().stream().filter(r -> r.kind() == RtkitReply.Kind.CRASHED).count());
            }
        }
        assertEquals(-22L, o.returned().orElseThrow());
        o = s.apply(new RtkitStep.Call(new ApCall.Reinit()));
        assertEquals(0L, o.returned().orElseThrow());
        assertFalse(o.crashed());
        s.free();
    }

    /**
     * rtkit.c 6.1 serves a second syslog buffer request into the same struct without freeing the
     * first buffer: one DMA block leaks. The finding's detail carries the agent's own LEAK line
     * (which block), and the counts are exactly the one block, nothing more.
     */
    @Test
    void aRepeatedBufferRequestLeaksExactlyOneBlockAndTheDetailNamesIt() throws Exception {
        List<RtkitStep> steps = List.of(new RtkitStep.Fw(new Message(0x0010100000000000L, 2)),
                new RtkitStep.Fw(new Message(0x0010200000000000L, 2)));
        RtkitCaseRunner.Result r = new RtkitCaseRunner(target, model(), null).run(steps);
        assertEquals(1, r.divergences().size(), r.divergences().toString());
        Divergence d = r.divergences().get(0);
        assertEquals("rtkit: FREE leaks arena blocks", d.title());
        assertTrue(d.detail().startsWith("0 objects, 1 arena blocks (FREE in AWAIT_HELLO)\n"), d.detail());
        assertTrue(d.detail().contains("1 page block(s) still allocated after release: blocks 0x"), d.detail());
    }

    /** The same leak is one title whatever phase the case ends in (here a HELLO moves it on). */
    @Test
    void aLeakTitleDoesNotDependOnThePhaseAtFree() throws Exception {
        List<RtkitStep> steps = List.of(new RtkitStep.Fw(new Message(0x0010100000000000L, 2)),
                new RtkitStep.Fw(new Message(0x0010200000000000L, 2)), new RtkitStep.Fw(new Message(0x00100000000c000bL, 0)));
        RtkitCaseRunner.Result r = new RtkitCaseRunner(target, model(), null).run(steps);
        assertEquals(List.of("rtkit: FREE leaks arena blocks"), r.divergences().stream().map(Divergence::title).toList());
        assertTrue(r.divergences().get(0).detail().startsWith("0 objects, 1 arena blocks (FREE in AWAIT_EPMAP)"),
                r.divergences().get(0).detail());
    }

    /**
     * A syslog INIT with MSG_SIZE 0 makes rtkit.c kzalloc(0) its message buffer, and the next LOG
     * writes syslog_msg_buffer[msg_size - 1]: one byte before ZERO_SIZE_PTR, an oops in the kernel.
     * The shim hands out ZERO_SIZE_PTR as the kernel does, so the agent faults there too, the
     * finding says where, and the next case runs on a fresh agent.
     */
    @Test
    void aSyslogLogAfterAnEmptyInitCrashesTheAgentAsItWouldOopsTheKernel() throws Exception {
        List<RtkitStep> steps = List.of(RtkitStep.parse("iop 0x02 0x0010100000000000"), RtkitStep.parse("iop 0x02 0x0080000000000001"),
                RtkitStep.parse("iop 0x02 0x0050000000000000"));
        RtkitCaseRunner runner = new RtkitCaseRunner(target, model(), null);
        // Every time with the agent's own last words: the pty's hangup must not overtake its CRASH
        // frame, or a finding's two replays would differ (and a campaign once stopped on the EIO).
        for (int i = 0; i < 10; i++) {
            Divergence d = runner.run(steps).divergences().get(0);
            assertEquals("rtkit: the agent crashes on syslog Log", d.title());
            assertTrue(d.detail().contains("SIGSEGV at 0xf in op 1 (RTKIT STEP)"), "run " + i + ": " + d.detail());
        }
        assertEquals(List.of(), runner.run(List.of(steps.get(0))).divergences(), "the agent was restarted");
    }

    /** Without the repeat nothing leaks: FREE releases the one buffer through apple_rtkit_free. */
    @Test
    void oneBufferRequestLeaksNothing() throws Exception {
        List<RtkitStep> steps = List.of(new RtkitStep.Fw(new Message(0x0010200000000000L, 2)));
        assertEquals(List.of(), new RtkitCaseRunner(target, model(), null).run(steps).divergences());
    }

    /** detail.txt describes the minimised reproducer, not the longer case the finding was first seen in. */
    @Test
    void theStoredDetailIsTheMinimisedCases() {
        Divergence original = new Divergence("t", 5, dev.lockstep.reports.Category.HEALTH, 17, "3 objects, 4 arena blocks");
        Divergence shrunk = new Divergence("t", 5, dev.lockstep.reports.Category.HEALTH, 2, "1 objects, 1 arena blocks");
        Divergence other = new Divergence("u", 6, dev.lockstep.reports.Category.DRIVER_BUG, 0, "x");
        Divergence m = RtkitCampaign.minimised(original, List.of(other, shrunk));
        assertEquals("1 objects, 1 arena blocks", m.detail());
        assertEquals(17, m.opIndex());
        assertEquals(original, RtkitCampaign.minimised(original, List.of(other)));
    }

    @Test
    void shortCampaignWritesSummaryAndEveryFindingReplaysTwice(@TempDir Path out) throws Exception {
        CampaignSummary sum = RtkitCampaign.run(target, out, new RtkitCampaign.Settings(1, 300, Duration.ofSeconds(15), List.of()),
                KnownDivergences.none(), new PrintStream(new ByteArrayOutputStream()));
        CampaignSummary read = SummaryJson.read(out.resolve("summary.json"));
        assertEquals("rtkit", read.format());
        assertTrue(read.operations() >= 1);
        assertTrue(read.coverage().get("bins_hit") > 10, read.coverage().toString());
        for (Finding f : sum.findings()) {
            RtkitReproducer r = RtkitReproducer.read(out.resolve(f.reproducer()));
            List<String> a = RtkitCampaign.replay(target, r).stream().map(Divergence::title).toList();
            List<String> b = RtkitCampaign.replay(target, r).stream().map(Divergence::title).toList();
            assertTrue(a.contains(f.title()), f.title() + " -> " + a);
            assertEquals(a, b);
            // The campaign replayed the minimised case twice before saving it, transcripts and all.
            assertTrue(f.detail().endsWith("\nreplays identically twice"), f.title() + ":\n" + f.detail());
            // detail.txt is the reproducer's: its first line (counts, or what the model sent) is what replay prints.
            String replayed = RtkitCampaign.replay(target, r).stream().filter(x -> x.title().equals(f.title())).findFirst()
                    .orElseThrow().detail();
            assertEquals(replayed.lines().findFirst().orElse(""), f.detail().lines().findFirst().orElse(""), f.title());
        }
    }
}
