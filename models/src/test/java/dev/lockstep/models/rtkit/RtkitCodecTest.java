package dev.lockstep.models.rtkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The codecs: exact encodings from the fact sheet, every field at its bounds, and the Unknown reasons. */
class RtkitCodecTest {

    private static <T> T ok(Decoded<T> d) {
        assertInstanceOf(Decoded.Ok.class, d, () -> "not decoded: " + d);
        return ((Decoded.Ok<T>) d).value();
    }

    private static Decoded.Reason reason(Decoded<?> d) {
        assertInstanceOf(Decoded.Unknown.class, d, () -> "decoded: " + d);
        return ((Decoded.Unknown<?>) d).reason();
    }

    @Test
    void managementEncodingsMatchTheFactSheet() {
        assertEquals(new Message(0x0010_0000_000c_000bL, 0), new ManagementMessage.Hello(11, 12).encode());
        assertEquals(new Message(0x0020_0000_000c_000cL, 0), ManagementMessage.HelloReply.chosen(12).encode());
        assertEquals(new Message(0x0030_0000_0000_0000L, 0), new ManagementMessage.Ping().encode());
        assertEquals(new Message(0x0040_0000_0000_0000L, 0), new ManagementMessage.Pong().encode());
        assertEquals(new Message(0x0050_0020_0000_0002L, 0), ManagementMessage.StartEp.start(0x20).encode());
        assertEquals(new Message(0x0050_0004_0000_0001L, 0), new ManagementMessage.StartEp(4, false).encode());
        assertEquals(new Message(0x0060_0000_0000_0220L, 0), new ManagementMessage.IopPowerRequest(0x220).encode());
        assertEquals(new Message(0x0070_0000_0000_0020L, 0), new ManagementMessage.IopPowerAck(0x20).encode());
        assertEquals(new Message(0x0088_0003_8000_0001L, 0), new ManagementMessage.Epmap(0x8000_0001L, 3, true).encode());
        assertEquals(new Message(0x0088_0001_0000_0000L, 0), new ManagementMessage.EpmapReply(1, true).encode());
        assertEquals(new Message(0x0080_0000_0000_0001L, 0), new ManagementMessage.EpmapReply(0, false).encode());
        assertEquals(new Message(0x00b0_0000_0000_0010L, 0), new ManagementMessage.ApPowerRequest(0x10).encode());
        assertEquals(new Message(0x00b0_0000_0000_ffffL, 0), new ManagementMessage.ApPowerAck(0xffff).encode());
    }

    @Test
    void managementFieldsRoundTripAtTheirBounds() {
        for (int v : new int[] {0, 1, 11, 12, 0xfffe, 0xffff}) {
            for (int w : new int[] {0, 12, 0xffff}) {
                assertEquals(new ManagementMessage.Hello(v, w), ok(ManagementMessage.Hello.decode(new ManagementMessage.Hello(v, w).encode())));
                assertEquals(new ManagementMessage.HelloReply(v, w), ok(ManagementMessage.HelloReply.decode(new ManagementMessage.HelloReply(v, w).encode())));
            }
            assertEquals(new ManagementMessage.IopPowerAck(v), ok(ManagementMessage.IopPowerAck.decode(new ManagementMessage.IopPowerAck(v).encode())));
            assertEquals(new ManagementMessage.ApPowerAck(v), ok(ManagementMessage.ApPowerAck.decode(new ManagementMessage.ApPowerAck(v).encode())));
            assertEquals(new ManagementMessage.IopPowerRequest(v), ok(ManagementMessage.IopPowerRequest.decode(new ManagementMessage.IopPowerRequest(v).encode())));
            assertEquals(new ManagementMessage.ApPowerRequest(v), ok(ManagementMessage.ApPowerRequest.decode(new ManagementMessage.ApPowerRequest(v).encode())));
        }
        for (int base = 0; base <= 7; base++) {
            for (long bitmap : new long[] {0, 1, 0x8000_0000L, 0xffff_ffffL}) {
                for (boolean last : new boolean[] {false, true}) {
                    ManagementMessage.Epmap e = new ManagementMessage.Epmap(bitmap, base, last);
                    assertEquals(e, ok(ManagementMessage.Epmap.decode(e.encode())));
                    ManagementMessage.EpmapReply r = new ManagementMessage.EpmapReply(base, last);
                    assertEquals(r, ok(ManagementMessage.EpmapReply.decode(r.encode())));
                }
            }
        }
        for (int ep : new int[] {0, 1, 0x1f, 0x20, 0xff}) {
            assertEquals(ManagementMessage.StartEp.start(ep), ok(ManagementMessage.StartEp.decode(ManagementMessage.StartEp.start(ep).encode())));
        }
        assertThrows(IllegalArgumentException.class, () -> new ManagementMessage.Hello(0x10000, 0));
        assertThrows(IllegalArgumentException.class, () -> new ManagementMessage.Hello(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> new ManagementMessage.Epmap(0x1_0000_0000L, 0, false));
        assertThrows(IllegalArgumentException.class, () -> new ManagementMessage.Epmap(0, 8, false));
        assertThrows(IllegalArgumentException.class, () -> ManagementMessage.StartEp.start(0x100));
        assertThrows(IllegalArgumentException.class, () -> new ManagementMessage.ApPowerAck(0x10000));
    }

    @Test
    void epmapBitsNameEndpointsByBase() {
        ManagementMessage.Epmap e = new ManagementMessage.Epmap(0x8000_0003L, 7, false);
        assertEquals(EndpointSet.of(0xe0, 0xe1, 0xff), e.endpoints());
        assertEquals(EndpointSet.of(0x21), new ManagementMessage.Epmap(2, 1, true).endpoints());
    }

    @Test
    void managementUnknownsSayWhy() {
        assertEquals(Decoded.Reason.WRONG_ENDPOINT, reason(ManagementMessage.Hello.decode(new Message(1L << 52, 1))));
        assertEquals(Decoded.Reason.UNKNOWN_TYPE, reason(ManagementMessage.Hello.decode(new Message(2L << 52, 0))));
        for (int t : new int[] {0, 2, 3, 5, 6, 9, 0xa, 0xc, 0xff}) {
            assertEquals(Decoded.Reason.UNKNOWN_TYPE, reason(ManagementMessage.decodeFromIop(new Message((long) t << 52, 0))), "type " + t);
        }
        for (int t : new int[] {0, 1, 4, 7, 9, 0xff}) {
            assertEquals(Decoded.Reason.UNKNOWN_TYPE, reason(ManagementMessage.decodeFromAp(new Message((long) t << 52, 0))), "type " + t);
        }
        // STARTEP with both or neither flag, EPMAP reply with both or neither of LAST and MORE.
        assertEquals(Decoded.Reason.FIELD_OUT_OF_RANGE, reason(ManagementMessage.StartEp.decode(new Message(0x0050_0020_0000_0003L, 0))));
        assertEquals(Decoded.Reason.FIELD_OUT_OF_RANGE, reason(ManagementMessage.StartEp.decode(new Message(0x0050_0020_0000_0000L, 0))));
        assertEquals(Decoded.Reason.FIELD_OUT_OF_RANGE, reason(ManagementMessage.EpmapReply.decode(new Message(0x0088_0000_0000_0001L, 0))));
        assertEquals(Decoded.Reason.FIELD_OUT_OF_RANGE, reason(ManagementMessage.EpmapReply.decode(new Message(0x0080_0000_0000_0000L, 0))));
        // A stray bit: reserved, but the rest is still readable.
        Decoded<ManagementMessage.Hello> stray = ManagementMessage.Hello.decode(new Message(0x8010_0000_000c_000bL, 0));
        assertEquals(Decoded.Reason.RESERVED_BITS_SET, reason(stray));
        assertEquals(new ManagementMessage.Hello(11, 12), stray.valueIgnoringReserved().orElseThrow());
        assertEquals(Decoded.Reason.RESERVED_BITS_SET, reason(ManagementMessage.Epmap.decode(new Message(0x0080_0100_0000_0000L, 0))));
        assertEquals(Decoded.Reason.RESERVED_BITS_SET, reason(ManagementMessage.ApPowerAck.decode(new Message(0x00b0_0001_0000_0020L, 0))));
    }

    @Test
    void bufferRequestFieldsAtTheirBounds() {
        assertEquals(new Message(0x0010_2008_0000_0000L, 2), new BufferMessage(2, 2, 0x8_0000_0000L, IovaField.BITS_41_0).encode());
        for (IovaField f : IovaField.values()) {
            for (int pages : new int[] {0, 1, 254, 255}) {
                for (long iova : new long[] {0, 1, 0x1000, f.max(), f.min(), f.max() - 1}) {
                    for (int ep : new int[] {1, 2, 4}) {
                        BufferMessage b = new BufferMessage(ep, pages, iova, f);
                        assertEquals(b, ok(BufferMessage.decode(b.encode(), f)));
                    }
                }
            }
        }
        assertEquals((1L << 42) - 1, IovaField.BITS_41_0.max());
        assertEquals(-(1L << 43), IovaField.BITS_43_0.min());
        assertThrows(IllegalArgumentException.class, () -> new BufferMessage(2, 256, 0, IovaField.BITS_41_0));
        assertThrows(IllegalArgumentException.class, () -> new BufferMessage(2, 1, 1L << 42, IovaField.BITS_41_0));
        assertThrows(IllegalArgumentException.class, () -> new BufferMessage(2, 1, -1, IovaField.BITS_41_0));
        assertThrows(IllegalArgumentException.class, () -> new BufferMessage(8, 1, 0, IovaField.BITS_41_0));
        // Bit 43 is reserved in the 6.1 layout and the sign in the 2023 one.
        Message upper = new Message(0x0010_1800_0000_0000L, 2);
        assertEquals(Decoded.Reason.RESERVED_BITS_SET, reason(BufferMessage.decode(upper, IovaField.BITS_41_0)));
        assertEquals(0, BufferMessage.decode(upper, IovaField.BITS_41_0).valueIgnoringReserved().orElseThrow().iova());
        assertEquals(0xffff_f800_0000_0000L, ok(BufferMessage.decode(upper, IovaField.BITS_43_0)).iova());
        assertEquals(Decoded.Reason.RESERVED_BITS_SET, reason(BufferMessage.decode(new Message(0x1010_0000_0000_0000L, 2), IovaField.BITS_43_0)));
        assertEquals(Decoded.Reason.WRONG_ENDPOINT, reason(BufferMessage.decode(new Message(1L << 52, 3), IovaField.BITS_41_0)));
        assertEquals(Decoded.Reason.UNKNOWN_TYPE, reason(BufferMessage.decode(new Message(2L << 52, 2), IovaField.BITS_41_0)));
    }

    @Test
    void syslogInitLayoutsDisagreeOnlyAboveAByte() {
        Message small = new SyslogMessage.Init(8, 0x80, SyslogInitLayout.LINUX).encode();
        assertEquals(new Message(0x0080_0000_8000_0008L, 2), small);
        assertEquals(new SyslogMessage.Init(8, 0x80, SyslogInitLayout.M1N1), ok(SyslogMessage.Init.decode(small, SyslogInitLayout.M1N1)));
        Message wide = new SyslogMessage.Init(0x108, 0x1ff, SyslogInitLayout.M1N1).encode();
        assertEquals(new SyslogMessage.Init(0x108, 0x1ff, SyslogInitLayout.M1N1), ok(SyslogMessage.Init.decode(wide, SyslogInitLayout.M1N1)));
        Decoded<SyslogMessage.Init> linux = SyslogMessage.Init.decode(wide, SyslogInitLayout.LINUX);
        assertEquals(Decoded.Reason.RESERVED_BITS_SET, reason(linux));
        assertEquals(new SyslogMessage.Init(8, 0xff, SyslogInitLayout.LINUX), linux.valueIgnoringReserved().orElseThrow());
        for (SyslogInitLayout l : SyslogInitLayout.values()) {
            for (long n : new long[] {0, 1, l.entries().max()}) {
                for (long s : new long[] {0, 1, l.entrySize().max()}) {
                    SyslogMessage.Init i = new SyslogMessage.Init((int) n, (int) s, l);
                    assertEquals(i, ok(SyslogMessage.Init.decode(i.encode(), l)));
                }
            }
        }
    }

    @Test
    void syslogLogCarriesEveryOtherBitForTheEcho() {
        assertEquals(new Message(0x0050_0000_0000_0007L, 2), SyslogMessage.Log.of(7).encode());
        long rest = 0xf00f_ffff_ffff_ff00L;
        SyslogMessage.Log l = new SyslogMessage.Log(255, rest);
        assertEquals(l, ok(SyslogMessage.Log.decode(l.encode())));
        assertEquals(0xf05f_ffff_ffff_ffffL, l.encode().msg0());
        assertThrows(IllegalArgumentException.class, () -> new SyslogMessage.Log(256, 0));
        assertThrows(IllegalArgumentException.class, () -> new SyslogMessage.Log(0, 1L << 52));
    }

    @Test
    void ioreportEchoTypes() {
        for (int t : new int[] {8, 0xc}) {
            IoreportMessage m = new IoreportMessage(t, 0xf00f_ffff_ffff_ffffL);
            assertEquals(m, ok(IoreportMessage.decode(m.encode())));
        }
        assertEquals(Decoded.Reason.UNKNOWN_TYPE, reason(IoreportMessage.decode(new Message(9L << 52, 4))));
        assertInstanceOf(BufferMessage.class, ok(RtkitCodec.decodeFromIop(new Message(1L << 52, 4), CodecLayout.defaults())));
    }

    @Test
    void oslogLayouts() {
        assertEquals(new Message(0x0100_0000_0000_0000L, 8), new OslogMessage.Init(0).encode());
        assertEquals(new Message(0x0300_0000_0000_0000L, 8), new OslogMessage.Ack().encode());
        OslogMessage.Init i = new OslogMessage.Init(OslogMessage.INIT_UNKNOWN.max());
        assertEquals(i, ok(OslogMessage.Init.decode(i.encode())));
        assertEquals(Decoded.Reason.RESERVED_BITS_SET, reason(OslogMessage.Init.decode(new Message(0x0110_0000_0000_0000L, 8))));
        OslogMessage.Buffer b = new OslogMessage.Buffer(0x4000, 0x1_0000_0000L);
        assertEquals(new Message(0x0104_0000_0010_0000L, 8), b.encode());
        assertEquals(b, ok(OslogMessage.Buffer.decode(b.encode())));
        OslogMessage.Buffer max = new OslogMessage.Buffer(OslogMessage.BUF_SIZE.max(), OslogMessage.BUF_IOVA.max() << 12);
        assertEquals(max, ok(OslogMessage.Buffer.decode(max.encode())));
        assertThrows(IllegalArgumentException.class, () -> new OslogMessage.Buffer(0, 0x800));
        assertThrows(IllegalArgumentException.class, () -> new OslogMessage.Buffer(1L << 20, 0));
        CodecLayout init = new CodecLayout(IovaField.BITS_41_0, SyslogInitLayout.M1N1, OslogLayout.INIT_ACK);
        CodecLayout buf = new CodecLayout(IovaField.BITS_41_0, SyslogInitLayout.M1N1, OslogLayout.BUFFER_REQUEST);
        assertInstanceOf(OslogMessage.Init.class, ok(RtkitCodec.decodeFromIop(b.encode(), init)));
        assertInstanceOf(OslogMessage.Buffer.class, ok(RtkitCodec.decodeFromIop(b.encode(), buf)));
        assertInstanceOf(OslogMessage.Ack.class, ok(RtkitCodec.decodeFromAp(new OslogMessage.Ack().encode(), init)));
    }

    @Test
    void kdebugAndCrashlog() {
        KdebugMessage k = new KdebugMessage(8, KdebugMessage.PAYLOAD.max());
        assertEquals(new Message(0x0008_ffff_ffff_ffffL, 3), k.encode());
        assertEquals(k, ok(KdebugMessage.decode(k.encode())));
        assertEquals(Decoded.Reason.UNKNOWN_TYPE, reason(KdebugMessage.decode(new Message(4L << 48, 3))));
        assertEquals(Decoded.Reason.RESERVED_BITS_SET, reason(KdebugMessage.decode(new Message(0x0108_0000_0000_0000L, 3))));
        CrashlogMessage.Crash c = new CrashlogMessage.Crash(4, 0x8_0000_0000L, IovaField.BITS_41_0);
        assertEquals(new BufferMessage(1, 4, 0x8_0000_0000L, IovaField.BITS_41_0).encode(), c.encode());
        assertEquals(new Message(0x40, 1), new CrashlogMessage.Inject(false).encode());
        assertEquals(new CrashlogMessage.Inject(true), ok(CrashlogMessage.Inject.decode(new Message(0x22, 1))));
        assertEquals(Decoded.Reason.UNKNOWN_TYPE, reason(CrashlogMessage.Inject.decode(new Message(0x23, 1))));
        assertInstanceOf(CrashlogMessage.Inject.class, ok(RtkitCodec.decodeFromAp(new Message(0x40, 1), CodecLayout.defaults())));
    }

    @Test
    void messagesAndEndpoints() {
        assertThrows(IllegalArgumentException.class, () -> new Message(0, 0x100));
        assertThrows(IllegalArgumentException.class, () -> new Message(0, -1));
        assertEquals(new Message(5, 0x21), Message.fromRegisters(5, 0xdead_be21L));
        assertEquals(new AppMessage(0x20, -1), ok(AppMessage.decode(new Message(-1, 0x20))));
        assertEquals(Decoded.Reason.WRONG_ENDPOINT, reason(AppMessage.decode(new Message(0, 0x1f))));
        assertEquals(Decoded.Reason.WRONG_ENDPOINT, reason(RtkitCodec.decodeFromIop(new Message(0, 5), CodecLayout.defaults())));
        assertTrue(Endpoints.isApplication(0x20));
        assertFalse(Endpoints.isApplication(0x1f));
        assertTrue(Endpoints.isSystem(1));
        assertFalse(Endpoints.isSystem(0));
    }

    @Test
    void theDispatchingDecodersAreTotal() {
        SplittableRandom rng = new SplittableRandom(7);
        CodecLayout[] layouts = {CodecLayout.defaults(),
                new CodecLayout(IovaField.BITS_43_0, SyslogInitLayout.LINUX, OslogLayout.BUFFER_REQUEST)};
        for (int ep = 0; ep <= 0xff; ep++) {
            for (int i = 0; i < 200; i++) {
                long msg0 = i < 64 ? 1L << i : i < 128 ? ((long) (i & 0xff) << 52) | rng.nextLong(1L << 40) : rng.nextLong();
                Message m = new Message(msg0, ep);
                for (CodecLayout l : layouts) {
                    Decoded<RtkitMessage> a = RtkitCodec.decodeFromIop(m, l);
                    Decoded<RtkitMessage> b = RtkitCodec.decodeFromAp(m, l);
                    // Whatever decoded re-encodes to the very same message.
                    a.decoded().ifPresent(r -> assertEquals(m, r.encode(), r::toString));
                    b.decoded().ifPresent(r -> assertEquals(m, r.encode(), r::toString));
                    RtkitCodec.kind(m, l);
                }
            }
        }
    }

    @Test
    void powerStates() {
        assertTrue(PowerState.isOn(0x20));
        assertTrue(PowerState.isOn(0x220));
        assertTrue(PowerState.INIT.isOn());
        assertFalse(PowerState.IDLE.isOn());
        assertFalse(PowerState.isOn(0x10));
        assertFalse(PowerState.isOn(0x00));
        assertEquals(PowerState.QUIESCED, PowerState.of(0x10).orElseThrow());
        assertTrue(PowerState.of(0x1234).isEmpty());
        assertEquals("0x1234", PowerState.name(0x1234));
        assertEquals("SLEEP", PowerState.name(1));
    }

    @Test
    void bitFields() {
        BitField f = new BitField("X", 51, 44);
        assertEquals(8, f.width());
        assertEquals(0xff, f.max());
        assertEquals(0x000f_f000_0000_0000L, f.mask());
        assertEquals(0x12, f.get(f.put(0x12)));
        assertThrows(IllegalArgumentException.class, () -> f.put(0x100));
        assertThrows(IllegalArgumentException.class, () -> new BitField("Y", 64, 0));
        assertEquals(-1L, new BitField("ALL", 63, 0).max());
    }

    @Test
    void endpointSets() {
        EndpointSet s = EndpointSet.of(0, 63, 64, 0xff);
        assertEquals(java.util.List.of(0, 63, 64, 255), s.toList());
        assertEquals(4, s.size());
        assertTrue(s.contains(0xff));
        assertFalse(s.contains(0x100));
        assertEquals(0x8000_0001L, EndpointSet.of(0x20, 0x3f).page(1));
        for (int base = 0; base < 8; base++) {
            assertEquals(0xffff_ffffL, EndpointSet.ofPage(base, 0xffff_ffffL).page(base));
        }
    }
}
