package dev.lockstep.bench.link;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** The client over a noisy line: every request answered exactly once, silence alone is a hang. */
class ProtocolClientTest {

    /**
     * A tiny agent in Java with the real agent's line rules (src/agent/agent.c): a damaged or
     * truncated frame is NAKed with seq 0, and the request answered last is answered again from
     * its copy of the reply, never executed twice. Executing echoes the payload.
     */
    private static final class FakeAgent implements Runnable {
        final Map<Integer, Integer> executions = new ConcurrentHashMap<>();
        final java.util.List<Integer> order = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        private final ByteLink link;
        private final long delayMillis;
        private volatile boolean stop;
        private Frame last;
        private byte[] lastReply;
        /** With a window: requests run in sequence order, the last 16 replies are kept (agent.c). */
        private boolean ordered;
        private int next;
        private final Map<Integer, Frame> keptRequest = new java.util.HashMap<>();
        private final Map<Integer, byte[]> keptReply = new java.util.HashMap<>();

        FakeAgent windowed() {
            ordered = true;
            return this;
        }

        FakeAgent(ByteLink link, long delayMillis) {
            this.link = link;
            this.delayMillis = delayMillis;
        }

        @Override
        public void run() {
            FrameCodec codec = new FrameCodec();
            byte[] buf = new byte[1 << 16];
            try {
                while (!stop) {
                    int n = link.read(buf, 0, buf.length, 30);
                    if (n > 0) {
                        codec.feed(buf, 0, n);
                    } else if (codec.partial()) {
                        codec.dropPartial();
                    }
                    long damage = codec.damaged();
                    Frame f;
                    while (true) {
                        f = codec.next();
                        if (codec.damaged() != damage) {
                            damage = codec.damaged();
                            nak();
                        }
                        if (f == null) {
                            break;
                        }
                        handle(f);
                    }
                    if (n == 0 && codec.damaged() != damage) {
                        nak();
                    }
                }
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        }

        private void nak() throws Exception {
            ByteBuffer p = ByteBuffer.allocate(4 + 2).order(ByteOrder.LITTLE_ENDIAN).putInt(1).putShort((short) 0);
            byte[] w = FrameCodec.encode(new Frame(Frame.NAK, 0, p.array()));
            link.write(w, 0, w.length);
        }

        private void handle(Frame f) throws Exception {
            if (ordered) {
                Frame k = keptRequest.get(f.seq());
                if (k != null && k.type() == f.type() && Arrays.equals(k.payload(), f.payload())) {
                    byte[] r = keptReply.get(f.seq());
                    link.write(r, 0, r.length);
                    return;
                }
                if (next != 0 && f.seq() != next) {
                    if (f.seq() > next) {
                        nak();
                    }
                    return;
                }
                next = f.seq() + 1;
                keptRequest.remove(f.seq() - 16);
                keptReply.remove(f.seq() - 16);
            } else if (last != null && f.seq() == last.seq() && f.type() == last.type() && Arrays.equals(f.payload(), last.payload())) {
                link.write(lastReply, 0, lastReply.length);
                return;
            }
            order.add(f.seq());
            executions.merge(f.seq(), 1, Integer::sum);
            if (delayMillis > 0) {
                Thread.sleep(delayMillis);
            }
            last = f;
            lastReply = FrameCodec.encode(new Frame(f.type() | 0x80, f.seq(), f.payload()));
            if (ordered) {
                keptRequest.put(f.seq(), f);
                keptReply.put(f.seq(), lastReply);
            }
            link.write(lastReply, 0, lastReply.length);
        }
    }

    private static Thread start(FakeAgent a) {
        Thread t = new Thread(a, "fake-agent");
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Test
    void everyRequestIsAnsweredExactlyOnceUnderCorruptionDropsAndDuplicates() throws Exception {
        MemoryLink[] p = MemoryLink.pair();
        FakeAgent agent = new FakeAgent(p[1], 0);
        start(agent);
        FaultyLink faulty = new FaultyLink(p[0], LinkFaults.parse("corrupt=0.05,drop=0.05,dup=0.05,seed=11"));
        ProtocolClient client = new ProtocolClient(faulty, 20);
        Random rnd = new Random(1);
        int requests = 1000;
        for (int i = 1; i <= requests; i++) {
            byte[] payload = new byte[1 + rnd.nextInt(300)];
            rnd.nextBytes(payload);
            Frame r = client.request(Frame.BATCH, payload, Frame.BATCH_REPLY, 2000);
            assertEquals(i, r.seq());
            assertArrayEquals(payload, r.payload(), "reply to request " + i);
        }
        agent.stop = true;
        assertEquals(requests, agent.executions.size());
        assertTrue(agent.executions.values().stream().allMatch(v -> v == 1), "a request ran twice: " + agent.executions);
        Map<String, Long> h = client.stats().asMap(client.codec());
        Map<String, Long> injected = faulty.counters();
        assertTrue(injected.get("injected_corrupt") > 20 && injected.get("injected_drop") > 20 && injected.get("injected_dup") > 20, injected.toString());
        for (String k : new String[] {"retransmits", "resyncs", "timeouts", "duplicates", "crc_errors", "naks"}) {
            assertTrue(h.get(k) > 0, k + " never counted: " + h);
        }
        assertEquals(0, h.get("unanswered"));
    }

    @Test
    void requestsInFlightRunOnceInTheirOrderUnderCorruptionDropsAndDuplicates() throws Exception {
        MemoryLink[] p = MemoryLink.pair();
        FakeAgent agent = new FakeAgent(p[1], 0).windowed();
        start(agent);
        FaultyLink faulty = new FaultyLink(p[0], LinkFaults.parse("corrupt=0.05,drop=0.05,dup=0.05,seed=12"));
        ProtocolClient client = new ProtocolClient(faulty, 20);
        Random rnd = new Random(2);
        int requests = 600;
        java.util.ArrayDeque<int[]> flying = new java.util.ArrayDeque<>();
        Map<Integer, byte[]> sent = new java.util.HashMap<>();
        int done = 0;
        for (int i = 1; i <= requests || !flying.isEmpty(); ) {
            // Up to four in flight, some sent together: as a pipelined campaign sends them.
            client.hold();
            while (i <= requests && flying.size() < 4) {
                byte[] payload = new byte[1 + rnd.nextInt(300)];
                rnd.nextBytes(payload);
                int seq = client.send(Frame.BATCH, payload, Frame.BATCH_REPLY);
                sent.put(seq, payload);
                flying.add(new int[] {seq});
                i++;
            }
            client.release();
            int seq = flying.poll()[0];
            Frame r = client.receive(seq, 2000);
            assertEquals(seq, r.seq());
            assertArrayEquals(sent.get(seq), r.payload(), "reply to request " + seq);
            done++;
        }
        agent.stop = true;
        assertEquals(requests, done);
        assertEquals(requests, agent.executions.size());
        assertTrue(agent.executions.values().stream().allMatch(v -> v == 1), "a request ran twice: " + agent.executions);
        for (int k = 0; k < agent.order.size(); k++) {
            assertEquals(k + 1, agent.order.get(k), "requests ran out of order: " + agent.order.subList(0, k + 1));
        }
        Map<String, Long> h = client.stats().asMap(client.codec());
        assertTrue(h.get("retransmits") > 0 && h.get("naks") > 0, h.toString());
        assertEquals(0, h.get("unanswered"));
    }

    @Test
    void aSlowAgentIsAskedAgainButRunsEachRequestOnce() throws Exception {
        MemoryLink[] p = MemoryLink.pair();
        FakeAgent agent = new FakeAgent(p[1], 120);
        start(agent);
        ProtocolClient client = new ProtocolClient(p[0], 20);
        for (int i = 1; i <= 5; i++) {
            assertEquals(i, client.request(Frame.RESET, new byte[] {(byte) i}, Frame.RESET_REPLY, 2000).seq());
        }
        agent.stop = true;
        assertTrue(agent.executions.values().stream().allMatch(v -> v == 1), agent.executions.toString());
        assertTrue(client.stats().timeouts > 0 && client.stats().retransmits > 0, "the slow replies were not retried");
    }

    @Test
    void aSilentAgentIsAHangOnlyAfterTheTimeoutAndSeveralAttempts() {
        MemoryLink[] p = MemoryLink.pair();
        ProtocolClient client = new ProtocolClient(p[0], 20);
        long t0 = System.nanoTime();
        assertThrows(ReplyTimeoutException.class, () -> client.request(Frame.HELLO, new byte[4], Frame.HELLO_REPLY, 300));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms >= 300, "gave up after " + ms + " ms");
        assertTrue(client.stats().retransmits >= ProtocolClient.SILENT_ATTEMPTS, "retransmits: " + client.stats().retransmits);
        assertEquals(1, client.stats().unanswered);
    }

    @Test
    void aLineThatDamagesEverythingIsALinkFaultNotAHang() throws Exception {
        MemoryLink[] p = MemoryLink.pair();
        FakeAgent agent = new FakeAgent(p[1], 0);
        start(agent);
        ProtocolClient client = new ProtocolClient(new FaultyLink(p[0], LinkFaults.parse("corrupt=1")), 20);
        LinkException e = assertThrows(LinkException.class, () -> client.request(Frame.HELLO, new byte[4], Frame.HELLO_REPLY, 60_000));
        agent.stop = true;
        assertTrue(e.getMessage().contains("damaged HELLO"), e.getMessage());
        assertTrue(agent.executions.isEmpty());
    }
}
