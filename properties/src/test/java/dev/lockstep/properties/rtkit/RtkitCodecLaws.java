package dev.lockstep.properties.rtkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.models.rtkit.AppMessage;
import dev.lockstep.models.rtkit.BitField;
import dev.lockstep.models.rtkit.BufferMessage;
import dev.lockstep.models.rtkit.CodecLayout;
import dev.lockstep.models.rtkit.Decoded;
import dev.lockstep.models.rtkit.IoreportMessage;
import dev.lockstep.models.rtkit.IovaField;
import dev.lockstep.models.rtkit.KdebugMessage;
import dev.lockstep.models.rtkit.ManagementMessage;
import dev.lockstep.models.rtkit.Message;
import dev.lockstep.models.rtkit.OslogLayout;
import dev.lockstep.models.rtkit.OslogMessage;
import dev.lockstep.models.rtkit.RtkitCodec;
import dev.lockstep.models.rtkit.RtkitMessage;
import dev.lockstep.models.rtkit.SyslogInitLayout;
import dev.lockstep.models.rtkit.SyslogMessage;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.statistics.Statistics;

/**
 * Laws of the RTKit codecs: every record encodes to a message that decodes back to it, with every
 * field drawn to its bounds first (jqwik's edge cases: 0, 1, max-1, max); and whatever any message
 * decodes to re-encodes to that very message.
 */
class RtkitCodecLaws {

    /** "min", "max" or "inside", for the statistics of how often a field sat at a bound. */
    private static String bound(long v, BitField f) {
        return v == 0 ? "min" : v == f.max() ? "max" : "inside";
    }

    private static <T extends RtkitMessage> void roundTrips(T record, Function<Message, Decoded<T>> decode) {
        Decoded<T> d = decode.apply(record.encode());
        assertEquals(new Decoded.Ok<>(record), d);
    }

    @Property(seed = "101", edgeCases = EdgeCasesMode.FIRST)
    void helloAndItsReply(@ForAll @IntRange(max = 0xffff) int min, @ForAll @IntRange(max = 0xffff) int max) {
        Statistics.label("MINVER").collect(bound(min, ManagementMessage.MINVER));
        Statistics.label("MAXVER").collect(bound(max, ManagementMessage.MAXVER));
        roundTrips(new ManagementMessage.Hello(min, max), ManagementMessage.Hello::decode);
        roundTrips(new ManagementMessage.HelloReply(min, max), ManagementMessage.HelloReply::decode);
    }

    @Property(seed = "102", edgeCases = EdgeCasesMode.FIRST)
    void epmapAndItsReply(@ForAll @LongRange(max = 0xffff_ffffL) long bitmap, @ForAll @IntRange(max = 7) int base,
                          @ForAll boolean last) {
        Statistics.label("BITMAP").collect(bound(bitmap, ManagementMessage.EPMAP_BITMAP));
        Statistics.label("BASE").collect(bound(base, ManagementMessage.EPMAP_BASE));
        roundTrips(new ManagementMessage.Epmap(bitmap, base, last), ManagementMessage.Epmap::decode);
        roundTrips(new ManagementMessage.EpmapReply(base, last), ManagementMessage.EpmapReply::decode);
        assertEquals(Long.bitCount(bitmap), new ManagementMessage.Epmap(bitmap, base, last).endpoints().size());
    }

    @Property(seed = "103", edgeCases = EdgeCasesMode.FIRST)
    void powerAndStartEp(@ForAll @IntRange(max = 0xffff) int state, @ForAll @IntRange(max = 0xff) int ep,
                         @ForAll boolean start) {
        Statistics.label("STATE").collect(bound(state, ManagementMessage.PWR_STATE));
        roundTrips(new ManagementMessage.IopPowerRequest(state), ManagementMessage.IopPowerRequest::decode);
        roundTrips(new ManagementMessage.IopPowerAck(state), ManagementMessage.IopPowerAck::decode);
        roundTrips(new ManagementMessage.ApPowerRequest(state), ManagementMessage.ApPowerRequest::decode);
        roundTrips(new ManagementMessage.ApPowerAck(state), ManagementMessage.ApPowerAck::decode);
        roundTrips(new ManagementMessage.StartEp(ep, start), ManagementMessage.StartEp::decode);
    }

    @Provide
    Arbitrary<BufferMessage> buffers() {
        return Arbitraries.of(IovaField.values()).flatMap(f -> Combinators.combine(
                Arbitraries.of(1, 2, 4),
                Arbitraries.integers().between(0, 255),
                Arbitraries.longs().between(f.min(), f.max()).edgeCases(e -> e.add(0L, 0x1000L))
        ).as((ep, pages, iova) -> new BufferMessage(ep, pages, iova, f)));
    }

    @Property(seed = "104", edgeCases = EdgeCasesMode.FIRST)
    void bufferRequests(@ForAll("buffers") BufferMessage b) {
        Statistics.label("layout").collect(b.layout());
        Statistics.label("SIZE").collect(bound(b.pages(), BufferMessage.SIZE));
        Statistics.label("IOVA").collect(b.iova() == 0 ? "zero" : b.iova() == b.layout().max() ? "max"
                : b.iova() == b.layout().min() ? "min" : b.iova() < 0 ? "negative" : "inside");
        roundTrips(b, m -> BufferMessage.decode(m, b.layout()));
    }

    @Provide
    Arbitrary<SyslogMessage.Init> syslogInits() {
        return Arbitraries.of(SyslogInitLayout.values()).flatMap(l -> Combinators.combine(
                Arbitraries.longs().between(0, l.entries().max()),
                Arbitraries.longs().between(0, l.entrySize().max())
        ).as((n, s) -> new SyslogMessage.Init((int) (long) n, (int) (long) s, l)));
    }

    @Property(seed = "105", edgeCases = EdgeCasesMode.FIRST)
    void syslog(@ForAll("syslogInits") SyslogMessage.Init init, @ForAll @IntRange(max = 255) int index, @ForAll long bits) {
        Statistics.label("layout").collect(init.layout());
        Statistics.label("entries").collect(bound(init.entries(), init.layout().entries()));
        Statistics.label("INDEX").collect(bound(index, SyslogMessage.INDEX));
        roundTrips(init, m -> SyslogMessage.Init.decode(m, init.layout()));
        SyslogMessage.Log log = new SyslogMessage.Log(index, bits & ~(SyslogMessage.TYPE.mask() | SyslogMessage.INDEX.mask()));
        roundTrips(log, SyslogMessage.Log::decode);
    }

    @Property(seed = "106", edgeCases = EdgeCasesMode.FIRST)
    void oslogKdebugIoreport(@ForAll @LongRange(max = 0xf_ffff_ffff_ffffL) long unknown,
                             @ForAll @LongRange(max = 0xf_ffffL) long size, @ForAll @LongRange(max = 0xf_ffff_ffffL) long page,
                             @ForAll @LongRange(max = 0xffff_ffff_ffffL) long payload, @ForAll long echo) {
        Statistics.label("oslog SIZE").collect(bound(size, OslogMessage.BUF_SIZE));
        Statistics.label("oslog IOVA").collect(bound(page, OslogMessage.BUF_IOVA));
        roundTrips(new OslogMessage.Init(unknown), OslogMessage.Init::decode);
        roundTrips(new OslogMessage.Ack(), OslogMessage.Ack::decode);
        roundTrips(new OslogMessage.Buffer(size, page << 12), OslogMessage.Buffer::decode);
        for (int t : new int[] {1, 2, 3, 8}) {
            roundTrips(new KdebugMessage(t, payload), KdebugMessage::decode);
        }
        for (int t : new int[] {8, 0xc}) {
            roundTrips(new IoreportMessage(t, echo & ~IoreportMessage.TYPE.mask()), IoreportMessage::decode);
        }
    }

    @Provide
    Arbitrary<CodecLayout> layouts() {
        return Combinators.combine(Arbitraries.of(IovaField.values()), Arbitraries.of(SyslogInitLayout.values()),
                Arbitraries.of(OslogLayout.values())).as(CodecLayout::new);
    }

    @Provide
    Arbitrary<Message> messages() {
        Arbitrary<Integer> endpoints = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.of(0, 1, 2, 3, 4, 8)),
                net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(0, 0x1f)),
                net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(0x20, 0xff)));
        Arbitrary<Long> msg0 = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.longs()),
                // A known-looking type in 59:52 (or 63:56 / 55:48) with low fields: most messages decode.
                net.jqwik.api.Tuple.of(4, Combinators.combine(Arbitraries.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 0xb, 0xc, 0xff),
                        Arbitraries.of(52, 56, 48), Arbitraries.longs().between(0, (1L << 44) - 1))
                        .as((t, at, low) -> ((long) t << at) | low)),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0, 63).map(b -> 1L << b)));
        return Combinators.combine(msg0, endpoints).as(Message::new);
    }

    @Property(seed = "107", tries = 3000)
    void everyMessageDecodesAndWhatDecodesReencodesExactly(@ForAll("messages") Message m, @ForAll("layouts") CodecLayout layout) {
        for (boolean fromIop : new boolean[] {true, false}) {
            Decoded<RtkitMessage> d = fromIop ? RtkitCodec.decodeFromIop(m, layout) : RtkitCodec.decodeFromAp(m, layout);
            if (d instanceof Decoded.Ok<RtkitMessage> ok) {
                assertEquals(m, ok.value().encode());
                Statistics.label(fromIop ? "from IOP" : "from AP").collect(RtkitCodec.kind(ok.value()));
            } else {
                Decoded.Unknown<RtkitMessage> u = (Decoded.Unknown<RtkitMessage>) d;
                Statistics.label(fromIop ? "from IOP" : "from AP").collect("Unknown " + u.reason());
                // A message whose only defect is a stray bit says what it would have meant.
                assertEquals(u.reason() == Decoded.Reason.RESERVED_BITS_SET, u.ignoringReserved().isPresent());
                u.ignoringReserved().ifPresent(r -> assertEquals(0, r.encode().msg0() & ~m.msg0(),
                        "clearing reserved bits only clears bits"));
            }
        }
        if (m.endpoint() >= 0x20) {
            assertTrue(RtkitCodec.decodeFromIop(m, layout).decoded().filter(r -> r instanceof AppMessage).isPresent());
        }
    }
}
