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
        private final ByteLink link;
        private final long delayMillis;
        private volatile boolean stop;
        private Frame last;
        private byte[] lastReply;

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
            if (last != null && f.seq() == last.seq() && f.type() == last.type() && Arrays.equals(f.payload(), last.payload())) {
                link.write(lastReply, 0, lastReply.length);
                return;
            }
            executions.merge(f.seq(), 1, Integer::sum);
            if (delayMillis > 0) {
                Thread.sleep(delayMillis);
            }
            last = f;
            lastReply = FrameCodec.encode(new Frame(f.type() | 0x80, f.seq(), f.payload()));
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
