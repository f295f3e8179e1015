package dev.lockstep.models.rtkit;

import static dev.lockstep.models.rtkit.Transcript.assertSent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.models.rtkit.ManagementMessage.ApPowerAck;
import dev.lockstep.models.rtkit.ManagementMessage.ApPowerRequest;
import dev.lockstep.models.rtkit.ManagementMessage.Epmap;
import dev.lockstep.models.rtkit.ManagementMessage.EpmapReply;
import dev.lockstep.models.rtkit.ManagementMessage.Hello;
import dev.lockstep.models.rtkit.ManagementMessage.HelloReply;
import dev.lockstep.models.rtkit.ManagementMessage.IopPowerAck;
import dev.lockstep.models.rtkit.ManagementMessage.StartEp;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A well-formed boot, message by message, as the fact sheet's §1.4 spells it out. */
class ApModelBootTest {
    private static final IovaField F = IovaField.BITS_41_0;
    private static final long BASE = ClientOps.defaults().allocationBase();

    @Test
    void initialStateIsTheResetState() {
        ApState s = ApModel.defaults().initial();
        assertEquals(Handshake.AWAIT_HELLO, s.handshake());
        assertEquals(EndpointSet.of(0), s.discovered());
        assertEquals(0, s.iopPowerState());
        assertEquals(0, s.apPowerState());
        assertFalse(s.running());
        assertFalse(s.crashed());
        assertTrue(s.buffers().isEmpty());
        assertEquals(ApState.Phase.AWAIT_HELLO, s.phase());
    }

    @Test
    void fullBootTranscript() {
        Transcript t = Transcript.of(ApModel.defaults());

        // 2. HELLO 11..12: the AP answers with the highest common version as both MIN and MAX.
        assertSent(t.feed(new Hello(11, 12)), HelloReply.chosen(12));
        assertEquals(12, t.state.version().getAsInt());
        assertEquals(Handshake.AWAIT_EPMAP, t.state.handshake());

        // 3. EPMAP pages: each answered with its BASE, MORE on all but the last.
        assertSent(t.feed(new Epmap(0x11f, 0, false)), new EpmapReply(0, false));
        // 4. On LAST: STARTEP for each discovered endpoint in {1, 2, 3, 4, 8}, ascending.
        assertSent(t.feed(new Epmap(0x3, 1, true)), new EpmapReply(1, true),
                StartEp.start(1), StartEp.start(2), StartEp.start(3), StartEp.start(4), StartEp.start(8));
        assertEquals(EndpointSet.of(0, 1, 2, 3, 4, 8, 0x20, 0x21), t.state.discovered());
        assertEquals(EndpointSet.of(1, 2, 3, 4, 8), t.state.started());
        assertEquals(Handshake.COMPLETE, t.state.handshake());

        // 5. Buffer requests (IOVA 0: the AP allocates and replies with same size and the IOVA).
        ApStep crash = t.feed(new BufferMessage(1, 4, 0, F));
        assertSent(crash, new BufferMessage(1, 4, BASE, F));
        assertEquals(List.of(new Callback.ShmemSetup(1, 0x4000, 0, BASE)), crash.callbacks());
        ApStep sys = t.feed(new BufferMessage(2, 2, 0, F));
        assertSent(sys, new BufferMessage(2, 2, BASE + 0x4000, F));
        ApStep ior = t.feed(new BufferMessage(4, 2, 0, F));
        assertSent(ior, new BufferMessage(4, 2, BASE + 0x8000, F));
        assertSent(t.feed(new SyslogMessage.Init(8, 0xe0, SyslogInitLayout.M1N1)));
        assertEquals(Optional.of(new SyslogGeometry(8, 0xe0)), t.state.syslog());
        // ... then the unsolicited IOP_PWR_ACK(0x20).
        assertSent(t.feed(new IopPowerAck(0x20)));
        assertFalse(t.state.running());
        assertEquals(ApState.Phase.EPMAP_COMPLETE, t.state.phase());

        // 6. boot(): handshake and IOP ack are in, so AP_PWR(0x20) goes out and boot waits for its ack.
        ApStep boot = t.feed(new ApCall.Boot());
        assertSent(boot, new ApPowerRequest(0x20));
        assertInstanceOf(CallStatus.Waiting.class, boot.call());
        ApStep ack = t.feed(new ApPowerAck(0x20));
        assertSent(ack);
        assertEquals(Optional.of(0), ack.returned());
        assertTrue(t.state.running());
        assertEquals(ApState.Phase.RUNNING, t.state.phase());
        assertEquals(3, t.state.buffers().size());

        // 7. Application endpoints, now running and discovered.
        ApStep start = t.feed(new ApCall.StartEp(0x20));
        assertSent(start, StartEp.start(0x20));
        assertEquals(Optional.of(0), start.returned());
        ApStep send = t.feed(new ApCall.Send(0x21, 0xdead_beefL));
        assertEquals(List.of(new Message(0xdead_beefL, 0x21)), send.sent());
        assertEquals(Optional.of(0), send.returned());
        assertEquals(List.of(new Callback.RecvMessage(0x20, 42)), t.feed(new Message(42, 0x20)).callbacks());
        // Syslog LOG and ioreport 0x8/0xc come back verbatim.
        assertSent(t.feed(SyslogMessage.Log.of(7)), SyslogMessage.Log.of(7));
        IoreportMessage io = new IoreportMessage(0xc, 0x1234);
        assertSent(t.feed(io), io);
        assertTrue(t.steps.stream().allMatch(s -> s.notes().isEmpty()), () -> t.steps.toString());
    }

    @Test
    void theFirmwareModelsBootIsTheSameTranscript() {
        FirmwareModel fw = new FirmwareModel(FirmwareDescription.typical());
        Transcript t = Transcript.of(ApModel.defaults());
        t.feedAll(fw.boot());
        assertTrue(t.state.running());
        assertEquals(List.of(0), t.returns());
        assertEquals(List.of(
                HelloReply.chosen(12).encode(),
                new EpmapReply(0, false).encode(),
                new EpmapReply(1, true).encode(),
                StartEp.start(1).encode(), StartEp.start(2).encode(), StartEp.start(3).encode(),
                StartEp.start(4).encode(), StartEp.start(8).encode(),
                new BufferMessage(1, 4, BASE, F).encode(),
                new BufferMessage(2, 2, BASE + 0x4000, F).encode(),
                new BufferMessage(4, 2, BASE + 0x8000, F).encode(),
                new ApPowerRequest(0x20).encode()), t.sent());
    }

    @Test
    void bootCalledFirstWaitsForEachStage() {
        FirmwareModel fw = new FirmwareModel(FirmwareDescription.typical());
        Transcript t = Transcript.of(ApModel.defaults());
        ApStep boot = t.feed(new ApCall.Boot());
        assertEquals(new CallStatus.Waiting(new ApCall.Boot(), new CallStep.AwaitHandshake()), boot.call());
        List<ApInput> hs = fw.handshake();
        t.feedAll(hs.subList(0, hs.size() - 1));
        assertInstanceOf(CallStep.AwaitIopState.class, ((CallStatus.Waiting) t.steps.get(t.steps.size() - 1).call()).awaiting());
        ApStep iop = t.feed(hs.get(hs.size() - 1));
        assertSent(iop, new ApPowerRequest(0x20));
        assertEquals(Optional.of(0), t.feed(new ApPowerAck(0x20)).returned());
        assertTrue(t.state.running());
    }

    @Test
    void bootWhenRunningIsANoOp() {
        Transcript t = Transcript.of(ApModel.defaults());
        t.feedAll(new FirmwareModel(FirmwareDescription.typical()).boot());
        ApStep again = t.feed(new ApCall.Boot());
        assertEquals(Optional.of(0), again.returned());
        assertTrue(again.sent().isEmpty());
    }

    @Test
    void versionNegotiationPicksTheHighestCommonVersion() {
        int[][] cases = {{11, 11, 11}, {11, 12, 12}, {12, 12, 12}, {10, 11, 11}, {12, 13, 12}, {0, 0xffff, 12}, {5, 11, 11}};
        for (int[] c : cases) {
            Transcript t = Transcript.of(ApModel.defaults());
            assertSent(t.feed(new Hello(c[0], c[1])), HelloReply.chosen(c[2]));
        }
    }

    @Test
    void endpointsOutsideTheSystemSetAreNotStarted() {
        Transcript t = Transcript.of(ApModel.defaults());
        t.feed(new Hello(11, 12));
        ApStep last = t.feed(new Epmap((1L << 1) | (1L << 5) | (1L << 0xa) | (1L << 0x1f), 0, true));
        assertSent(last, new EpmapReply(0, true), StartEp.start(1));
        assertEquals(3, last.notes().stream().filter(n -> n.kind() == Note.Kind.UNKNOWN_SYSTEM_ENDPOINT).count());
        ApModel wide = new ApModel(RtkitOptions.defaults().with("systemEndpoints=1,5,0xa"), ClientOps.defaults());
        Transcript u = Transcript.of(wide);
        u.feed(new Hello(11, 12));
        assertSent(u.feed(new Epmap((1 << 1) | (1 << 5) | (1 << 0xa), 0, true)), new EpmapReply(0, true),
                StartEp.start(1), StartEp.start(5), StartEp.start(0xa));
    }

    @Test
    void epmapPagesInAnyOrderUnionTheirEndpoints() {
        Transcript t = Transcript.of(ApModel.defaults());
        t.feed(new Hello(11, 12));
        assertSent(t.feed(new Epmap(0x8000_0000L, 7, false)), new EpmapReply(7, false));
        assertSent(t.feed(new Epmap(0x1, 1, false)), new EpmapReply(1, false));
        assertSent(t.feed(new Epmap(0x7, 0, true)), new EpmapReply(0, true), StartEp.start(1), StartEp.start(2));
        assertEquals(EndpointSet.of(0, 1, 2, 0x20, 0xff), t.state.discovered());
    }

    @Test
    void clientWithoutShmemOpsGetsNoCallbacks() {
        Transcript t = Transcript.of(new ApModel(RtkitOptions.defaults(), ClientOps.withoutShmemOps()));
        t.feedAll(new FirmwareModel(FirmwareDescription.typical()).boot());
        assertTrue(t.state.running());
        assertTrue(t.callbacks().isEmpty());
        assertTrue(t.sent().contains(new BufferMessage(2, 2, BASE + 0x4000, F).encode()));
        ApStep reinit = t.feed(new ApCall.Reinit());
        assertTrue(reinit.callbacks().isEmpty());
    }
}
