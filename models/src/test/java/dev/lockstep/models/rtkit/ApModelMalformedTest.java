package dev.lockstep.models.rtkit;

import static dev.lockstep.models.rtkit.Transcript.assertSent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.models.rtkit.ManagementMessage.ApPowerAck;
import dev.lockstep.models.rtkit.ManagementMessage.Epmap;
import dev.lockstep.models.rtkit.ManagementMessage.EpmapReply;
import dev.lockstep.models.rtkit.ManagementMessage.Hello;
import dev.lockstep.models.rtkit.ManagementMessage.HelloReply;
import dev.lockstep.models.rtkit.ManagementMessage.IopPowerAck;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Each class of ill-formed firmware behaviour, and what a correct AP does with it under each option. */
class ApModelMalformedTest {
    private static final IovaField F = IovaField.BITS_41_0;
    private static final long BASE = ClientOps.defaults().allocationBase();
    private final FirmwareModel fw = new FirmwareModel(FirmwareDescription.typical());

    private static ApModel with(String... options) {
        RtkitOptions o = RtkitOptions.defaults();
        for (String a : options) {
            o = o.with(a);
        }
        return new ApModel(o, ClientOps.defaults());
    }

    private Transcript booted(ApModel m) {
        Transcript t = Transcript.of(m);
        t.feedAll(fw.boot());
        assertTrue(t.state.running());
        return t;
    }

    // ------------------------------------------------------------ versions

    @Test
    void unsupportedVersionIsRefusedAndBootFails() {
        for (int[] r : new int[][] {{13, 13}, {10, 10}, {0, 0}, {13, 0xffff}, {12, 11}, {0xffff, 0}}) {
            Transcript t = Transcript.of(ApModel.defaults());
            ApStep hello = t.feed(new Hello(r[0], r[1]));
            assertSent(hello);
            assertTrue(hello.hasNote(Note.Kind.UNSUPPORTED_VERSION));
            assertEquals(Handshake.REJECTED, t.state.handshake());
            assertEquals(ApState.Phase.HELLO_REJECTED, t.state.phase());
            assertEquals(Optional.of(-Errno.EINVAL), t.feed(new ApCall.Boot()).returned());
            // The endpoint map of a firmware whose protocol the AP refused means nothing.
            ApStep page = t.feed(new Epmap(0x7, 0, true));
            assertSent(page);
            assertTrue(page.hasNote(Note.Kind.EPMAP_AFTER_REJECTED_HELLO));
        }
    }

    @Test
    void replyToAnUnsupportedVersionIsANamedOption() {
        Transcript t = Transcript.of(with("unsupportedVersion=REPLY_FW_MAX"));
        assertSent(t.feed(new Hello(13, 14)), HelloReply.chosen(14));
        assertEquals(Handshake.AWAIT_EPMAP, t.state.handshake());
    }

    @Test
    void aSecondHelloStartsTheHandshakeOver() {
        Transcript t = booted(ApModel.defaults());
        ApStep again = t.feed(new Hello(11, 11));
        assertSent(again, HelloReply.chosen(11));
        assertTrue(again.hasNote(Note.Kind.REPEATED_HELLO));
        assertEquals(Handshake.AWAIT_EPMAP, t.state.handshake());
    }

    // ------------------------------------------------------------ endpoint map

    @Test
    void epmapBeforeHelloIsHandledOrIgnoredPerHandshakeOrder() {
        Transcript any = Transcript.of(ApModel.defaults());
        ApStep early = any.feed(new Epmap(0x7, 0, true));
        assertSent(early, new EpmapReply(0, true), ManagementMessage.StartEp.start(1), ManagementMessage.StartEp.start(2));
        assertTrue(early.hasNote(Note.Kind.OUT_OF_ORDER));
        Transcript strict = Transcript.of(with("handshakeOrder=STRICT"));
        ApStep ignored = strict.feed(new Epmap(0x7, 0, true));
        assertSent(ignored);
        assertEquals(EndpointSet.of(0), strict.state.discovered());
        // STRICT also drops system messages on endpoints not started.
        strict.feed(new Hello(11, 12));
        strict.feed(new Epmap(0x7, 0, true));
        ApStep sys = strict.feed(new BufferMessage(2, 1, 0, F));
        assertSent(sys, new BufferMessage(2, 1, BASE, F));
        ApStep io = strict.feed(new BufferMessage(4, 1, 0, F));
        assertTrue(io.hasNote(Note.Kind.UNDISCOVERED_ENDPOINT));
        assertTrue(io.hasNote(Note.Kind.NOT_STARTED));
        assertSent(io);
    }

    @Test
    void epmapWithoutLastLeavesBootWaitingUntilTimeout() {
        Transcript t = Transcript.of(ApModel.defaults());
        t.feed(new Hello(11, 12));
        assertSent(t.feed(new Epmap(0x7, 0, false)), new EpmapReply(0, false));
        t.feed(new IopPowerAck(0x20));
        ApStep boot = t.feed(new ApCall.Boot());
        assertEquals(new CallStatus.Waiting(new ApCall.Boot(), new CallStep.AwaitHandshake()), boot.call());
        assertEquals(Optional.of(-Errno.ETIME), t.feed(new ApInput.Timeout()).returned());
        assertTrue(t.state.pending().isEmpty());
    }

    @Test
    void everyEpmapOrderInTheCatalogueRunsToAnAnswer() {
        for (Malformation m : fw.catalogue()) {
            if (m.kind() != Malformation.Kind.EPMAP_ORDER) {
                continue;
            }
            Transcript t = Transcript.of(ApModel.defaults());
            t.feedAll(m.stimulus());
            assertEquals(1, t.returns().size(), m.name());
            long replies = t.sent().stream().filter(x -> ManagementMessage.decodeFromAp(x).decoded()
                    .filter(r -> r instanceof EpmapReply).isPresent()).count();
            long pages = m.stimulus().stream().filter(i -> i instanceof ApInput.Received r
                    && ManagementMessage.Epmap.decode(r.message()).isOk()).count();
            assertEquals(pages, replies, m.name() + ": one reply per page");
        }
    }

    // ------------------------------------------------------------ unknown types and endpoints

    @Test
    void unknownTypesAreNotedAndUnanswered() {
        Transcript t = booted(ApModel.defaults());
        for (Message m : List.of(new Message(9L << 52, 0), new Message(2L << 52, 0), new Message(0, 2),
                new Message(9L << 52, 4), new Message(2L << 56, 8), new Message(4L << 48, 3), new Message(2L << 52, 1))) {
            ApStep s = t.feed(m);
            assertSent(s);
            assertTrue(s.hasNote(Note.Kind.UNKNOWN_TYPE), m::toString);
        }
        assertTrue(t.state.running());
        ApStep pong = t.feed(new ManagementMessage.Pong());
        assertTrue(pong.hasNote(Note.Kind.UNSOLICITED));
        ApStep kdebug = t.feed(new KdebugMessage(8, 0));
        assertTrue(kdebug.hasNote(Note.Kind.KDEBUG_DROPPED));
        assertSent(kdebug);
    }

    @Test
    void messagesFromUndiscoveredEndpoints() {
        Transcript t = booted(ApModel.defaults());
        ApStep app = t.feed(new Message(7, 0x80));
        assertTrue(app.hasNote(Note.Kind.UNDISCOVERED_ENDPOINT));
        assertEquals(List.of(new Callback.RecvMessage(0x80, 7)), app.callbacks());
        ApStep sys = t.feed(new Message(7, 5));
        assertTrue(sys.hasNote(Note.Kind.UNKNOWN_ENDPOINT));
        assertTrue(sys.callbacks().isEmpty());
        Transcript d = booted(with("undiscoveredSender=DROP"));
        assertTrue(d.feed(new Message(7, 0x80)).callbacks().isEmpty());
    }

    @Test
    void sendsToUndiscoveredEndpoints() {
        Transcript t = booted(ApModel.defaults());
        ApStep send = t.feed(new ApCall.Send(0x80, 1));
        assertEquals(Optional.of(-Errno.EINVAL), send.returned());
        assertSent(send);
        assertEquals(Optional.of(-Errno.EINVAL), t.feed(new ApCall.StartEp(0x80)).returned());
        assertEquals(Optional.of(-Errno.EINVAL), t.feed(new ApCall.StartEp(Endpoints.TRACEKIT)).returned());
        Transcript a = booted(with("sendToUndiscovered=ALLOW"));
        ApStep allowed = a.feed(new ApCall.Send(0x80, 1));
        assertEquals(Optional.of(0), allowed.returned());
        assertEquals(List.of(new Message(1, 0x80)), allowed.sent());
    }

    @Test
    void appSendsNeedRunning() {
        Transcript t = Transcript.of(ApModel.defaults());
        t.feedAll(fw.handshake());
        assertEquals(Optional.of(-Errno.EINVAL), t.feed(new ApCall.Send(0x20, 1)).returned());
        assertEquals(Optional.of(-Errno.EINVAL), t.feed(new ApCall.StartEp(0x20)).returned());
        // System endpoints may be started and sent to before running.
        assertEquals(Optional.of(0), t.feed(new ApCall.StartEp(2)).returned());
        assertEquals(Optional.of(0), t.feed(new ApCall.Send(2, 5)).returned());
    }

    // ------------------------------------------------------------ buffer requests

    @Test
    void firmwareAllocatedBuffersGoThroughShmemSetup() {
        Transcript t = Transcript.of(ApModel.defaults());
        ApStep s = t.feed(new BufferMessage(2, 3, 0x4000_0000L, F));
        assertEquals(List.of(new Callback.ShmemSetup(2, 0x3000, 0x4000_0000L, 0x4000_0000L)), s.callbacks());
        assertSent(s, new BufferMessage(2, 3, 0x4000_0000L, F));
        assertEquals(new Buffer(2, 0x4000_0000L, 0x3000, true, true, false), t.state.buffer(2).orElseThrow());
    }

    @Test
    void firmwareAllocatedBufferNeedsTheClientsOps() {
        BufferMessage req = new BufferMessage(4, 1, 0x4000, F);
        Transcript none = Transcript.of(new ApModel(RtkitOptions.defaults(), ClientOps.withoutShmemOps()));
        ApStep refused = none.feed(req);
        assertSent(refused);
        assertTrue(refused.hasNote(Note.Kind.BUFFER_REFUSED));
        ClientOps setupOnly = new ClientOps(true, false, false, BASE);
        assertSent(Transcript.of(new ApModel(RtkitOptions.defaults(), setupOnly)).feed(req));
        ApModel relaxed = new ApModel(RtkitOptions.defaults().with("preallocatedBuffer=NEEDS_SETUP"), setupOnly);
        assertSent(Transcript.of(relaxed).feed(req), req);
    }

    @Test
    void mappedBuffersGetNoReply() {
        Transcript t = Transcript.of(new ApModel(RtkitOptions.defaults(), new ClientOps(true, true, true, BASE)));
        ApStep s = t.feed(new BufferMessage(2, 1, 0x4000, F));
        assertSent(s);
        assertEquals(1, s.callbacks().size());
        assertTrue(t.state.buffer(2).orElseThrow().mapped());
    }

    @Test
    void zeroSizeRequests() {
        ApStep empty = Transcript.of(ApModel.defaults()).feed(new BufferMessage(2, 0, 0, F));
        assertSent(empty, new BufferMessage(2, 0, 0, F));
        assertTrue(empty.callbacks().isEmpty());
        assertTrue(empty.hasNote(Note.Kind.ZERO_SIZE_BUFFER));
        assertSent(Transcript.of(with("zeroSizeBuffer=NO_REPLY")).feed(new BufferMessage(2, 0, 0x4000, F)));
    }

    @Test
    void repeatedRequests() {
        Transcript t = Transcript.of(ApModel.defaults());
        t.feed(new BufferMessage(2, 1, 0, F));
        Buffer first = t.state.buffer(2).orElseThrow();
        ApStep again = t.feed(new BufferMessage(2, 2, 0, F));
        assertEquals(List.of(new Callback.ShmemDestroy(first), new Callback.ShmemSetup(2, 0x2000, 0, BASE + 0x4000)),
                again.callbacks());
        assertSent(again, new BufferMessage(2, 2, BASE + 0x4000, F));
        assertTrue(again.hasNote(Note.Kind.REPEATED_BUFFER_REQUEST));
        Transcript leak = Transcript.of(with("repeatedBufferRequest=LEAK"));
        leak.feed(new BufferMessage(2, 1, 0, F));
        assertEquals(List.of(new Callback.ShmemSetup(2, 0x2000, 0, BASE + 0x4000)),
                leak.feed(new BufferMessage(2, 2, 0, F)).callbacks());
    }

    @Test
    void everyBufferShapeInTheCatalogueIsAnsweredOrRefused() {
        for (Malformation m : fw.catalogue()) {
            if (m.kind() != Malformation.Kind.BUFFER_REQUEST) {
                continue;
            }
            Transcript t = Transcript.of(ApModel.defaults());
            t.feedAll(m.stimulus());
            for (ApStep s : t.steps) {
                for (Message out : s.sent()) {
                    if (BufferMessage.servesBuffers(out.endpoint()) && BufferMessage.TYPE.get(out.msg0()) == 1) {
                        BufferMessage reply = BufferMessage.decode(out, F).decoded().orElseThrow();
                        assertTrue(reply.iova() != 0 || reply.pages() == 0, m.name() + ": a reply names its buffer");
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------ syslog and ioreport

    @Test
    void syslogLogIsAlwaysEchoed() {
        Transcript t = booted(ApModel.defaults());
        for (int idx : new int[] {0, 7}) {
            ApStep s = t.feed(SyslogMessage.Log.of(idx));
            assertSent(s, SyslogMessage.Log.of(idx));
            assertTrue(s.notes().isEmpty());
        }
        for (int idx : new int[] {8, 255}) {
            ApStep s = t.feed(SyslogMessage.Log.of(idx));
            assertSent(s, SyslogMessage.Log.of(idx));
            assertTrue(s.hasNote(Note.Kind.SYSLOG_INDEX_OUT_OF_RANGE));
        }
        SyslogMessage.Log odd = new SyslogMessage.Log(3, 0xf000_00ff_0000_0000L);
        assertSent(t.feed(odd), odd);
        ApStep before = Transcript.of(ApModel.defaults()).feed(SyslogMessage.Log.of(0));
        assertSent(before, SyslogMessage.Log.of(0));
        assertTrue(before.hasNote(Note.Kind.SYSLOG_NOT_READY));
    }

    @Test
    void syslogIndexMustFitTheBufferToo() {
        Transcript t = booted(ApModel.defaults());
        // 0x40 entries of stride 0x100 do not fit two pages: entry 0x20 is past the end.
        ApStep init = t.feed(new SyslogMessage.Init(0x40, 0xe0, SyslogInitLayout.M1N1));
        assertTrue(init.hasNote(Note.Kind.SYSLOG_RING_EXCEEDS_BUFFER));
        assertTrue(t.feed(SyslogMessage.Log.of(0x1f)).notes().isEmpty());
        assertTrue(t.feed(SyslogMessage.Log.of(0x20)).hasNote(Note.Kind.SYSLOG_INDEX_OUT_OF_RANGE));
    }

    @Test
    void syslogInitLayoutIsANamedOption() {
        Message wide = new SyslogMessage.Init(0x108, 0x1ff, SyslogInitLayout.M1N1).encode();
        Transcript m1n1 = Transcript.of(ApModel.defaults());
        m1n1.feed(wide);
        assertEquals(new SyslogGeometry(0x108, 0x1ff), m1n1.state.syslog().orElseThrow());
        Transcript linux = Transcript.of(with("syslogInit=LINUX"));
        assertTrue(linux.feed(wide).hasNote(Note.Kind.RESERVED_BITS));
        assertEquals(new SyslogGeometry(8, 0xff), linux.state.syslog().orElseThrow());
    }

    @Test
    void ioreportEchoes() {
        Transcript t = booted(ApModel.defaults());
        Message eight = new Message((8L << 52) | 0xabc, 4);
        assertEquals(List.of(eight), t.feed(eight).sent());
        assertSent(t.feed(new Message(0xdL << 52, 4)));
    }

    @Test
    void oslogInitAckOrBuffer() {
        Transcript t = booted(ApModel.defaults());
        assertSent(t.feed(new OslogMessage.Init(0x1234)), new OslogMessage.Ack());
        Transcript b = booted(with("oslog=BUFFER_REQUEST"));
        ApStep s = b.feed(new OslogMessage.Buffer(0x3000, 0));
        assertSent(s, new OslogMessage.Buffer(0x3000, BASE + 0xc000));
        assertEquals(List.of(new Callback.ShmemSetup(8, 0x3000, 0, BASE + 0xc000)), s.callbacks());
    }

    // ------------------------------------------------------------ reserved bits

    @Test
    void reservedBitsAreIgnoredOrRejected() {
        Message hello = new Message(new Hello(11, 12).encode().msg0() | 1L << 63, 0);
        ApStep ignored = Transcript.of(ApModel.defaults()).feed(hello);
        assertSent(ignored, HelloReply.chosen(12));
        assertTrue(ignored.hasNote(Note.Kind.RESERVED_BITS));
        ApStep rejected = Transcript.of(with("reservedBits=REJECT")).feed(hello);
        assertSent(rejected);
        assertTrue(rejected.hasNote(Note.Kind.RESERVED_BITS));
    }

    @Test
    void bufferIovaLayoutIsANamedOption() {
        Message upper = new Message(0x0010_1800_0000_0000L, 2);
        ApStep narrow = Transcript.of(ApModel.defaults()).feed(upper);
        assertSent(narrow, new BufferMessage(2, 1, BASE, F));
        ApStep wide = Transcript.of(with("bufferIova=BITS_43_0")).feed(upper);
        assertSent(wide, new BufferMessage(2, 1, 0xffff_f800_0000_0000L, IovaField.BITS_43_0));
    }

    // ------------------------------------------------------------ power acks

    @Test
    void anApAckForAnotherStateFailsBoot() {
        for (int st : new int[] {0x00, 0x01, 0x10, 0x201, 0x220, 0xffff}) {
            Transcript t = Transcript.of(ApModel.defaults());
            t.feedAll(fw.handshake());
            t.feed(new ApCall.Boot());
            ApStep ack = t.feed(new ApPowerAck(st));
            assertEquals(Optional.of(-Errno.EINVAL), ack.returned(), PowerState.name(st));
            assertEquals(st, t.state.apPowerState());
        }
    }

    @Test
    void anIopBootingIntoAnotherStateStillLetsBootFinish() {
        Transcript t = Transcript.of(ApModel.defaults());
        List<ApInput> b = fw.boot();
        List<ApInput> s = new java.util.ArrayList<>(b);
        s.set(b.size() - 3, ApInput.received(new IopPowerAck(0x10)));
        t.feedAll(s);
        assertEquals(List.of(0), t.returns());
        assertFalse(t.state.running());
        // INIT (0x220) counts as on.
        Transcript u = Transcript.of(ApModel.defaults());
        s.set(b.size() - 3, ApInput.received(new IopPowerAck(0x220)));
        u.feedAll(s);
        assertTrue(u.state.running());
    }

    @Test
    void unsolicitedAndMissingAcks() {
        Transcript t = Transcript.of(ApModel.defaults());
        t.feedAll(fw.handshake());
        ApStep early = t.feed(new ApPowerAck(0x20));
        assertTrue(early.hasNote(Note.Kind.UNSOLICITED));
        // The IOP says both sides are on: the AP believes it, and boot has nothing left to do.
        assertTrue(t.state.running());
        ApStep boot = t.feed(new ApCall.Boot());
        assertEquals(Optional.of(0), boot.returned());
        assertSent(boot);
        // Without the unsolicited IOP ack, boot waits for it.
        Transcript n = Transcript.of(ApModel.defaults());
        List<ApInput> hs = fw.handshake();
        n.feedAll(hs.subList(0, hs.size() - 1));
        assertEquals(new CallStep.AwaitIopState(), ((CallStatus.Waiting) n.feed(new ApCall.Boot()).call()).awaiting());
        assertEquals(Optional.of(-Errno.ETIME), n.feed(new ApInput.Timeout()).returned());
    }

    @Test
    void callsWhileACallWaitsAreRefusedAndTimeoutsWithoutOneAreNoted() {
        Transcript t = Transcript.of(ApModel.defaults());
        t.feed(new ApCall.Boot());
        ApStep second = t.feed(new ApCall.Send(0x20, 1));
        assertInstanceOf(CallStatus.Refused.class, second.call());
        assertSent(second);
        assertTrue(t.state.pending().isPresent());
        t.feed(new ApInput.Timeout());
        assertTrue(t.feed(new ApInput.Timeout()).hasNote(Note.Kind.TIMEOUT_WITHOUT_WAIT));
    }

    @Test
    void theWholeCatalogueRunsUnderEveryOptionValue() {
        List<RtkitOptions> sets = new java.util.ArrayList<>();
        sets.add(RtkitOptions.defaults());
        for (String name : RtkitOptions.optionNames()) {
            for (String v : RtkitOptions.values(name)) {
                if (!name.equals("systemEndpoints")) {
                    sets.add(RtkitOptions.defaults().with(name + "=" + v));
                }
            }
        }
        for (RtkitOptions o : sets) {
            FirmwareModel f = new FirmwareModel(FirmwareDescription.typical(o.layout()));
            for (ClientOps c : List.of(ClientOps.defaults(), ClientOps.withoutShmemOps())) {
                ApModel m = new ApModel(o, c);
                for (Malformation x : f.catalogue()) {
                    List<ApStep> steps = m.run(m.initial(), x.stimulus());
                    assertFalse(steps.isEmpty(), x.name());
                }
                assertTrue(m.run(m.initial(), f.boot()).get(f.boot().size() - 1).state().running(), o.toString());
            }
        }
    }
}
