package dev.lockstep.models.rtkit;

import static dev.lockstep.models.rtkit.Transcript.assertSent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A crash (a second type-1 message on the crashlog endpoint): every send fails until reinit. */
class ApModelCrashTest {
    private static final IovaField F = IovaField.BITS_41_0;
    private final FirmwareModel fw = new FirmwareModel(FirmwareDescription.typical());

    private Transcript crashed(ApModel m) {
        Transcript t = Transcript.of(m);
        t.feedAll(fw.boot());
        ApStep crash = t.feed(fw.crash());
        assertTrue(crash.hasNote(Note.Kind.CRASH));
        assertEquals(List.of(new Callback.Crashed(t.state.buffer(1))), crash.callbacks());
        assertTrue(t.state.buffer(1).isPresent());
        assertTrue(t.state.crashed());
        assertFalse(t.state.running());
        assertEquals(ApState.Phase.CRASHED, t.state.phase());
        return t;
    }

    @Test
    void afterACrashEverySendFailsUntilReinit() {
        Transcript t = crashed(ApModel.defaults());
        assertEquals(Optional.of(-Errno.EINVAL), t.feed(new ApCall.Send(0x20, 1)).returned());
        assertEquals(Optional.of(-Errno.EINVAL), t.feed(new ApCall.Send(2, 1)).returned());
        assertEquals(Optional.of(-Errno.EINVAL), t.feed(new ApCall.StartEp(0x20)).returned());
        assertEquals(Optional.of(-Errno.EINVAL), t.feed(new ApCall.StartEp(2)).returned());
        assertEquals(Optional.of(-Errno.EINVAL), t.feed(new ApCall.Boot()).returned());
        assertEquals(Optional.of(-Errno.EINVAL), t.feed(new ApCall.Wake()).returned());
        assertEquals(Optional.of(-Errno.EINVAL), t.feed(new ApCall.Quiesce()).returned());
        assertEquals(Optional.of(-Errno.EINVAL), t.feed(new ApCall.Shutdown()).returned());
        // The IOP's messages are still handled, but no echo or reply gets out.
        ApStep log = t.feed(SyslogMessage.Log.of(0));
        assertSent(log);
        assertTrue(log.hasNote(Note.Kind.SEND_FAILED));
        assertSent(t.feed(new ManagementMessage.Hello(11, 12)));
        assertEquals(List.of(new Callback.RecvMessage(0x20, 9)), t.feed(new Message(9, 0x20)).callbacks());
        // A second crash is reported again.
        assertEquals(1, t.feed(fw.crash()).callbacks().size());
        for (int i = 0; i < t.steps.size(); i++) {
            if (t.steps.get(i).state().crashed()) {
                assertTrue(t.steps.get(i).sent().isEmpty());
            }
        }
        // reinit releases the three buffers and clears the crash; a fresh boot runs again.
        ApStep reinit = t.feed(new ApCall.Reinit());
        assertEquals(Optional.of(0), reinit.returned());
        assertEquals(3, reinit.callbacks().stream().filter(c -> c instanceof Callback.ShmemDestroy).count());
        assertFalse(t.state.crashed());
        assertEquals(EndpointSet.of(0), t.state.discovered());
        t.feedAll(fw.boot());
        assertTrue(t.state.running());
        assertEquals(Optional.of(0), t.feed(new ApCall.Send(0x20, 1)).returned());
    }

    @Test
    void aPowerRequestThatCannotBeSentWaitsUnderTheWaitOption() {
        Transcript t = crashed(new ApModel(RtkitOptions.defaults().with("managementSendFailure=WAIT"), ClientOps.defaults()));
        ApStep q = t.feed(new ApCall.Quiesce());
        assertSent(q);
        assertInstanceOf(CallStatus.Waiting.class, q.call());
        assertEquals(Optional.of(-Errno.ETIME), t.feed(new ApInput.Timeout()).returned());
    }

    @Test
    void theFirstCrashlogType1IsTheBufferRequest() {
        Transcript t = Transcript.of(ApModel.defaults());
        ApStep first = t.feed(fw.crash());
        assertFalse(t.state.crashed());
        assertEquals(1, first.sent().size());
        assertTrue(t.state.crashlogRequested());
        t.feed(new BufferMessage(1, 4, 0, F));
        assertTrue(t.state.crashed());
    }

    @Test
    void aCrashWhileBootWaitsLeavesItNotRunning() {
        Transcript t = Transcript.of(ApModel.defaults());
        List<ApInput> b = fw.boot();
        t.feedAll(b.subList(0, b.size() - 1));
        t.feed(fw.crash());
        ApStep ack = t.feed(b.get(b.size() - 1));
        // The ack still satisfies the wait: the AP got the state it asked for, but it has crashed.
        assertEquals(Optional.of(0), ack.returned());
        assertFalse(t.state.running());
    }

    @Test
    void crashesAtEveryPhaseOfTheCatalogue() {
        for (RtkitOptions o : List.of(RtkitOptions.defaults(), RtkitOptions.defaults().with("managementSendFailure=WAIT"))) {
            ApModel m = new ApModel(o, ClientOps.defaults());
            for (Malformation x : fw.catalogue()) {
                if (x.kind() != Malformation.Kind.CRASH) {
                    continue;
                }
                ApState s = m.initial();
                boolean wasCrashed = false;
                for (ApInput in : x.stimulus()) {
                    ApStep st = m.step(s, in);
                    if (s.crashed() && !(in instanceof ApCall.Reinit)) {
                        assertTrue(st.sent().isEmpty(), x.name() + ": sent after crash on " + in);
                        assertTrue(st.state().crashed(), x.name());
                        if (in instanceof ApCall.Send || in instanceof ApCall.StartEp) {
                            assertEquals(Optional.of(-Errno.EINVAL), st.returned(), x.name());
                        }
                    }
                    wasCrashed |= st.state().crashed();
                    s = st.state();
                }
                // Before the crashlog buffer request, the injected crash is taken as the request and the
                // real request becomes the crash: either way the IOP is seen to crash.
                assertTrue(wasCrashed, x.name());
            }
        }
    }
}
