package dev.lockstep.models.rtkit;

import static dev.lockstep.models.rtkit.Transcript.assertSent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.models.rtkit.ManagementMessage.ApPowerAck;
import dev.lockstep.models.rtkit.ManagementMessage.ApPowerRequest;
import dev.lockstep.models.rtkit.ManagementMessage.HelloReply;
import dev.lockstep.models.rtkit.ManagementMessage.IopPowerAck;
import dev.lockstep.models.rtkit.ManagementMessage.IopPowerRequest;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Quiesce, shutdown, wake and reinit as §1.5 sequences them. */
class ApModelPowerTest {
    private final FirmwareModel fw = new FirmwareModel(FirmwareDescription.typical());

    private Transcript booted(ApModel m) {
        Transcript t = Transcript.of(m);
        t.feedAll(fw.boot());
        assertTrue(t.state.running());
        return t;
    }

    @Test
    void quiesceThenWake() {
        Transcript t = booted(ApModel.defaults());
        ApStep q = t.feed(new ApCall.Quiesce());
        assertSent(q, new ApPowerRequest(0x10));
        assertEquals(new CallStep.AwaitAck(CallStep.Side.AP, 0x10), ((CallStatus.Waiting) q.call()).awaiting());
        assertSent(t.feed(new ApPowerAck(0x10)), new IopPowerRequest(0x10));
        ApStep done = t.feed(new IopPowerAck(0x10));
        assertEquals(Optional.of(0), done.returned());
        assertEquals(3, done.callbacks().stream().filter(c -> c instanceof Callback.ShmemDestroy).count());
        assertTrue(done.hasNote(Note.Kind.REINIT));
        assertEquals(0x10, t.state.iopPowerState());
        assertEquals(0x10, t.state.apPowerState());
        assertEquals(Handshake.AWAIT_HELLO, t.state.handshake());
        assertTrue(t.state.buffers().isEmpty());
        assertEquals(ApState.Phase.QUIESCED, t.state.phase());
        assertFalse(t.state.running());

        ApStep wake = t.feed(new ApCall.Wake());
        assertSent(wake, new IopPowerRequest(0x20));
        assertEquals(new CallStep.AwaitHandshake(), ((CallStatus.Waiting) wake.call()).awaiting());
        List<ApInput> hs = fw.handshake();
        assertSent(t.feed(hs.get(0)), HelloReply.chosen(12));
        t.feedAll(hs.subList(1, hs.size() - 1));
        assertSent(t.feed(hs.get(hs.size() - 1)), new ApPowerRequest(0x20));
        assertEquals(Optional.of(0), t.feed(new ApPowerAck(0x20)).returned());
        assertTrue(t.state.running());
    }

    @Test
    void theFirmwareModelsSequencesAgree() {
        Transcript t = booted(ApModel.defaults());
        t.feedAll(FirmwareModel.quiesce());
        t.feedAll(fw.wake());
        t.feedAll(FirmwareModel.shutdown());
        assertEquals(List.of(0, 0, 0, 0), t.returns());
        assertEquals(0, t.state.iopPowerState());
        assertEquals(0, t.state.apPowerState());
        t.feedAll(fw.wake());
        assertTrue(t.state.running());
    }

    @Test
    void wakeRequestsTheNamedState() {
        Transcript t = booted(new ApModel(RtkitOptions.defaults().with("wakeIopState=INIT"), ClientOps.defaults()));
        t.feedAll(FirmwareModel.quiesce());
        assertSent(t.feed(new ApCall.Wake()), new IopPowerRequest(0x220));
    }

    @Test
    void wakeWhileRunningIsRefused() {
        Transcript t = booted(ApModel.defaults());
        ApStep w = t.feed(new ApCall.Wake());
        assertEquals(Optional.of(-Errno.EINVAL), w.returned());
        assertSent(w);
    }

    @Test
    void shutdownPutsTheIopToSleep() {
        Transcript t = booted(ApModel.defaults());
        assertSent(t.feed(new ApCall.Shutdown()), new ApPowerRequest(0x10));
        assertSent(t.feed(new ApPowerAck(0x10)), new IopPowerRequest(0x01));
        ApStep done = t.feed(new IopPowerAck(0x01));
        assertEquals(Optional.of(0), done.returned());
        assertEquals(ApState.Phase.AWAIT_HELLO, t.state.phase());
        assertEquals(0, t.state.iopPowerState());
    }

    @Test
    void mismatchedAcksStopQuiesceBeforeReinit() {
        Transcript t = booted(ApModel.defaults());
        t.feed(new ApCall.Quiesce());
        t.feed(new ApPowerAck(0x10));
        ApStep bad = t.feed(new IopPowerAck(0x01));
        assertEquals(Optional.of(-Errno.EINVAL), bad.returned());
        assertFalse(bad.hasNote(Note.Kind.REINIT));
        assertEquals(3, t.state.buffers().size());
        Transcript u = booted(ApModel.defaults());
        u.feed(new ApCall.Quiesce());
        assertEquals(Optional.of(-Errno.EINVAL), u.feed(new ApPowerAck(0x20)).returned());
    }

    @Test
    void aQuiesceThatTimesOutLeavesTheStateAsItWas() {
        Transcript t = booted(ApModel.defaults());
        ApStep q = t.feed(new ApCall.Quiesce());
        assertInstanceOf(CallStatus.Waiting.class, q.call());
        assertEquals(Optional.of(-Errno.ETIME), t.feed(new ApInput.Timeout()).returned());
        assertTrue(t.state.running());
    }

    @Test
    void reinitForgetsEverything() {
        Transcript t = booted(ApModel.defaults());
        ApStep r = t.feed(new ApCall.Reinit());
        assertEquals(Optional.of(0), r.returned());
        assertSent(r);
        ApState s = t.state;
        ApState init = ApModel.defaults().initial();
        assertEquals(init, s);
    }
}
