package dev.lockstep.bench.link;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each fault kind happens at its rate, in both directions, reproducibly, and bad specs are refused in one line. */
class FaultyLinkTest {
    private static final int N = 20_000;

    private static byte[] frame(int seq) {
        byte[] payload = new byte[48];
        new Random(seq).nextBytes(payload);
        return FrameCodec.encode(new Frame(Frame.BATCH, seq, payload));
    }

    /** Writes frames 1..n through a faulty link; returns what the other end decoded, and the link. */
    private static Result writeThrough(String spec, int n) throws Exception {
        MemoryLink[] p = MemoryLink.pair();
        FaultyLink link = new FaultyLink(p[0], LinkFaults.parse(spec));
        for (int i = 1; i <= n; i++) {
            byte[] f = frame(i);
            link.write(f, 0, f.length);
        }
        byte[] wire = MemoryLink.drain(p[1]);
        return new Result(wire, link);
    }

    /** The agent's end writes frames 1..n; returns what the bench decoded through the faulty link. */
    private static Result readThrough(String spec, int n) throws Exception {
        MemoryLink[] p = MemoryLink.pair();
        for (int i = 1; i <= n; i++) {
            byte[] f = frame(i);
            p[1].write(f, 0, f.length);
        }
        FaultyLink link = new FaultyLink(p[0], LinkFaults.parse(spec));
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        byte[] b = new byte[1000];
        int got;
        while ((got = link.read(b, 0, b.length, 20)) > 0) {
            all.write(b, 0, got);
        }
        return new Result(all.toByteArray(), link);
    }

    private record Result(byte[] wire, FaultyLink link) {
        Map<Integer, Integer> seen() {
            Map<Integer, Integer> m = new HashMap<>();
            for (Frame f : decode(wire)) {
                m.merge(f.seq(), 1, Integer::sum);
            }
            return m;
        }

        double missing(int n) {
            return (n - seen().size()) / (double) n;
        }

        double twice(int n) {
            return seen().values().stream().filter(v -> v == 2).count() / (double) n;
        }

        long injected(String kind) {
            return link.counters().get("injected_" + kind);
        }
    }

    private static void near(double want, double got, String what) {
        assertTrue(Math.abs(want - got) < 0.01, what + ": " + got + ", expected " + want + " +- 0.01");
    }

    @Test
    void corruptsAtItsRateAndEveryCorruptedFrameIsLost() throws Exception {
        Result r = writeThrough("corrupt=0.05,seed=3", N);
        near(0.05, r.missing(N), "frames lost to corruption");
        assertEquals(N - r.seen().size(), r.injected("corrupt"), "a CRC catches every flipped bit");
        assertEquals(0, r.twice(N));
    }

    @Test
    void dropsAtItsRate() throws Exception {
        Result r = writeThrough("drop=0.05", N);
        near(0.05, r.missing(N), "frames dropped");
        assertEquals(N - r.seen().size(), r.injected("drop"));
    }

    @Test
    void duplicatesAtItsRate() throws Exception {
        Result r = writeThrough("dup=0.05", N);
        assertEquals(0, r.missing(N));
        near(0.05, r.twice(N), "frames duplicated");
        assertEquals(r.injected("dup"), Math.round(r.twice(N) * N));
    }

    @Test
    void damagesWhatTheBenchReadsToo() throws Exception {
        Result r = readThrough("corrupt=0.03,drop=0.03,dup=0.03,seed=5", N);
        near(0.03 + 0.97 * 0.03, r.missing(N), "frames lost on the way in");
        near(0.97 * 0.97 * 0.03, r.twice(N), "frames duplicated on the way in");
        assertTrue(r.injected("corrupt") > 0 && r.injected("drop") > 0 && r.injected("dup") > 0, r.link().counters().toString());
    }

    @Test
    void stallsAtItsRateAndKeepsTheOrder() throws Exception {
        Result r = writeThrough("stall=1@0.1", 2000);
        long stalls = r.injected("stall");
        assertTrue(stalls > 150 && stalls < 250, "stalls: " + stalls);

        MemoryLink[] p = MemoryLink.pair();
        FaultyLink link = new FaultyLink(p[0], LinkFaults.parse("stall=80@0.5,seed=2"));
        for (int i = 1; i <= 20; i++) {
            link.write(frame(i), 0, frame(i).length);
        }
        assertTrue(link.counters().get("injected_stall") > 0);
        FrameCodec early = new FrameCodec();
        byte[] now = MemoryLink.drain(p[1]);
        early.feed(now, 0, now.length);
        int before = early.frames().size();
        assertTrue(before < 20, "stalled frames held back: " + before + " delivered at once");
        long t0 = System.nanoTime();
        while (link.read(new byte[16], 0, 16, 50) == 0 && System.nanoTime() - t0 < 5_000_000_000L) {
            byte[] more = MemoryLink.drain(p[1]);
            now = concat(now, more);
            FrameCodec c = new FrameCodec();
            c.feed(now, 0, now.length);
            if (c.frames().size() == 20) {
                break;
            }
        }
        FrameCodec c = new FrameCodec();
        c.feed(now, 0, now.length);
        List<Integer> seqs = c.frames().stream().map(Frame::seq).toList();
        List<Integer> want = new ArrayList<>();
        for (int i = 1; i <= 20; i++) want.add(i);
        assertEquals(want, seqs, "a stall delays, never reorders");
    }

    @Test
    void disconnectLosesTheFrameAndEverythingInFlightUntilTheBenchWritesAgain() throws Exception {
        Result w = writeThrough("disconnect=100", 1000);
        Map<Integer, Integer> seen = w.seen();
        assertEquals(990, seen.size());
        for (int i = 100; i <= 1000; i += 100) {
            assertFalse(seen.containsKey(i), "frame " + i + " went through a disconnect");
        }
        assertEquals(10, w.injected("disconnect"));

        MemoryLink[] p = MemoryLink.pair();
        FaultyLink link = new FaultyLink(p[0], LinkFaults.parse("disconnect=5"));
        for (int i = 1; i <= 10; i++) {
            p[1].write(frame(i), 0, frame(i).length);
        }
        byte[] first = readAll(link);
        link.write(frame(99), 0, frame(99).length);
        for (int i = 11; i <= 12; i++) {
            p[1].write(frame(i), 0, frame(i).length);
        }
        byte[] all = concat(first, readAll(link));
        FrameCodec c = new FrameCodec();
        c.feed(all, 0, all.length);
        assertEquals(List.of(1, 2, 3, 4, 11, 12), c.frames().stream().map(Frame::seq).toList());
    }

    @Test
    void theSameSeedGivesTheSameFaults() throws Exception {
        String spec = "corrupt=0.05,drop=0.05,dup=0.05,seed=7";
        byte[] a = writeThrough(spec, 2000).wire();
        byte[] b = writeThrough(spec, 2000).wire();
        byte[] other = writeThrough("corrupt=0.05,drop=0.05,dup=0.05,seed=8", 2000).wire();
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, other));
    }

    @Test
    void parsesASpec() {
        LinkFaults f = LinkFaults.parse("corrupt=1e-3,drop=0.02,dup=0.5,stall=30@0.2,disconnect=500,seed=9");
        assertEquals(new LinkFaults(1e-3, 0.02, 0.5, 30, 0.2, 500, 9), f);
        assertEquals(LinkFaults.DEFAULT_STALL_RATE, LinkFaults.parse("stall=10").stallRate());
        assertTrue(f.any());
        assertFalse(LinkFaults.none().any());
    }

    @ParameterizedTest
    @ValueSource(strings = {"corrupt=2", "bogus=1", "drop", "drop=x", "disconnect=-3", "stall=10@x", "corrupt=0.1,,dup=0.1", "seed=1.5"})
    void refusesABadSpecInOneLine(String spec) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LinkFaults.parse(spec));
        String bad = spec.contains(",,") ? "''" : "'" + spec + "'";
        assertTrue(e.getMessage().contains(bad), e.getMessage());
        assertTrue(e.getMessage().contains("expected " + LinkFaults.FORM), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    /**
     * Decodes a whole capture the way the client does: a header whose damaged length waits for
     * bytes that never come is given up, and what followed it rescanned.
     */
    static List<Frame> decode(byte[] wire) {
        FrameCodec c = new FrameCodec();
        c.feed(wire, 0, wire.length);
        List<Frame> out = new ArrayList<>(c.frames());
        while (c.partial()) {
            c.dropPartial();
            out.addAll(c.frames());
        }
        return out;
    }

    private static byte[] readAll(FaultyLink link) throws Exception {
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        byte[] b = new byte[1000];
        int got;
        while ((got = link.read(b, 0, b.length, 20)) > 0) {
            all.write(b, 0, got);
        }
        return all.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
