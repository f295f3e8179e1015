package dev.lockstep.bench.m1n1;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.lockstep.models.vmsa.Granule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The architecture judges the model: the Lockstep QEMU agent's AT oracle against the VMSA
 * {@code Walker}, and the m1n1 protocol subset the agent speaks. Needs qemu-system-aarch64 and
 * aarch64-linux-gnu-gcc (src/build/setup.sh installs both); without them it fails under CI=true
 * and is skipped otherwise.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class QemuOracleTest {
    private static final int TRANSLATIONS = Integer.getInteger("lockstep.qemu.translations", 2000);
    private static final long SEED = Long.getLong("lockstep.qemu.seed", 0);
    private QemuMachine machine;

    @BeforeAll
    void start() throws Exception {
        requireQemu();
        machine = QemuMachine.start(buildAgent(), QemuMachine.Options.defaults(), Duration.ofSeconds(10));
    }

    /** Skips (fails under CI=true) when QEMU or the cross compiler is missing. */
    static void requireQemu() {
        QemuTestSupport.requireQemu();
    }

    /**
     * Each test starts in step with the agent, whatever the test before it left behind: a test that
     * timed out in the middle of a request leaves one stale reply on the shared link.
     */
    @BeforeEach
    void inStep() throws Exception {
        machine.client().resync();
    }

    @AfterAll
    void stop() {
        if (machine != null) {
            long pid = machine.pid();
            machine.close();
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "QEMU survived close()");
        }
    }

    @Test
    void memoryRoundTripsWithDataChecksums() throws Exception {
        M1n1Client c = machine.client();
        byte[] data = new byte[3000];
        new SplittableRandom(7).nextBytes(data);
        long addr = 0x7000_0003L; // odd on purpose: MEMREAD/MEMWRITE are byte streams
        c.memWrite(addr, data);
        assertArrayEquals(data, c.memRead(addr, data.length));
        c.write64(0x7000_1000L, 0x1122_3344_5566_7788L);
        assertEquals(0x1122_3344_5566_7788L, c.read64(0x7000_1000L));
        c.memset64(0x7000_1000L, 0xABL, 16);
        assertEquals(0xABL, c.read64(0x7000_1008L));
        assertEquals(0x4020_0000L, c.call(M1n1Client.P_GET_BASE));
    }

    @Test
    void theUartBootstrapFindsItsReplyPastTheFillerWordsAndANopConfirms() throws Exception {
        M1n1Client c = machine.client();
        // QEMU's UART is a socket here: no rate to switch, but the exchange is m1n1's, fillers included.
        assertFalse(c.bootstrapUart(M1n1Client.BOOTSTRAP_BAUD));
        assertTrue(c.console().contains("\u00f0\u00a5Z\u0000".repeat(16)), "no filler words seen: " + c.console());
        M1n1Exception e = assertThrows(M1n1Exception.class, () -> c.bootstrapUart(50));
        assertTrue(e.getMessage().contains("SET_BAUD 50 refused"), e.getMessage());
        c.nop(0);
    }

    @Test
    void everyRequestIsValidated() throws Exception {
        M1n1Client c = machine.client();
        // The agent's own image and stack, outside RAM, and an unknown opcode.
        M1n1Exception e = assertThrows(M1n1Exception.class, () -> c.memWrite(0x4020_0000L, new byte[64]));
        assertTrue(e.getMessage().contains("INVAL"), e.getMessage());
        assertThrows(M1n1Exception.class, () -> c.memRead(0x9000_0000L, 16));
        assertEquals(-2, c.proxy(M1n1Client.P_WRITE64, 0x4020_0000L, 0).status());
        assertEquals(-2, c.proxy(M1n1Client.P_READ64, 0x4000_0004L).status());
        assertEquals(-1, c.proxy(0x3ff).status());
        assertEquals(-2, c.proxy(AtOracle.LS_AT_S1, AtOracle.TCR_HA_HD, 0, 0, 0, 0, 0).status());
        assertEquals(-2, c.proxy(AtOracle.LS_AT_S1, 0, 0, 0, 0, 9, 0).status());
        // A read of nothing is counted, not fatal.
        c.call(M1n1Client.P_GET_EXC_COUNT);
        assertEquals(-1L, c.call(M1n1Client.P_READ64, 0x9000_0000L));
        assertEquals(1L, c.call(M1n1Client.P_GET_EXC_COUNT));
        c.nop(0); // still in step
    }

    @Test
    void theMailboxCarriesProxyCallsAndTheUartStaysInStep() throws Exception {
        Assumptions.assumeTrue(machine.mailbox().isPresent(), "no shared RAM on this machine");
        ProxyPort ring = machine.proxy();
        assertEquals(0x4020_0000L, ring.proxy(M1n1Client.P_GET_BASE).retval());
        assertEquals(-1, ring.proxy(0x3ff).status());
        assertEquals(-2, ring.proxy(Mailbox.LS_MBOX_START, 0x7000_0000L, 4).status(), "the ring is set up over the UART only");
        assertEquals(-2, ring.proxy(AtOracle.LS_AT_S12, AtOracle.VTCR_HA_HD, 0, 0, 0, 1).status());
        // More calls than the ring has slots, in one go: every one answered, in order.
        List<ProxyCall> calls = new ArrayList<>();
        for (int i = 0; i < 2500; i++) {
            calls.add(new ProxyCall(M1n1Client.P_WRITE64, 0x7100_0000L + 8L * i, 0x5A5A_0000L + i));
        }
        for (int i = 0; i < 2500; i++) {
            calls.add(new ProxyCall(M1n1Client.P_READ64, 0x7100_0000L + 8L * i));
        }
        List<ProxyReply> replies = ring.proxyAll(calls);
        assertEquals(calls.size(), replies.size());
        for (int i = 0; i < 2500; i++) {
            assertTrue(replies.get(i).ok(), replies.get(i).toString());
            assertEquals(0x5A5A_0000L + i, replies.get(2500 + i).retval());
        }
        // Both ends see the same RAM: what the bench stores, the agent reads over the UART, and back.
        SharedGuestRam ram = machine.sharedRam().orElseThrow();
        ram.writeWords(0x7200_0000L, new long[] {0x0123_4567_89AB_CDEFL});
        assertEquals(0x0123_4567_89AB_CDEFL, machine.client().read64(0x7200_0000L));
        machine.client().write64(0x7200_0008L, 42);
        assertEquals(42, ram.readLong(0x7200_0008L));
        machine.client().nop(0);
    }

    @Test
    void aCorruptRequestGetsCsumerrAndTheLinkStaysInStep() throws Exception {
        byte[] f = FakeLink.request(M1n1Client.NOP, new byte[56]);
        f[20] ^= 1; // payload bit flipped after the checksum was computed
        byte[] junk = "noise".getBytes(StandardCharsets.US_ASCII);
        machine.link().write(junk, 0, junk.length);
        machine.link().write(f, 0, f.length);
        byte[] reply = new byte[36];
        int got = 0;
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (got < reply.length && System.nanoTime() < deadline) {
            int n = machine.link().read(reply, got, reply.length - got, 1000);
            got += Math.max(n, 0);
        }
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(reply).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        assertEquals(M1n1Client.NOP, bb.getInt(0));
        assertEquals(M1n1Client.ST_CSUMERR, bb.getInt(4));
        assertEquals(M1n1Checksum.of(reply, 0, 32), bb.getInt(32));
        machine.client().nop(0);
    }

    @Test
    void walkIntoNonRamIsAWalkAbort() throws Exception {
        AtOracle o = new AtOracle(machine.client());
        long tcr = OracleCheck.Scenario.tcr(Granule.G4K, 39, 48);
        AtOracle.Answer a = o.translate(tcr, 0xFF, OracleCheck.NON_RAM, 0, 0x1000, AtKind.S1E1R);
        assertInstanceOf(AtOracle.WalkAbort.class, a, a.toString());
        machine.client().nop(0);
    }

    @Test
    void panVariantsHonourPan() throws Exception {
        // One 4K page, EL0 read/write (AP = 0b01): S1E1R translates, S1E1RP (PAN set) faults.
        M1n1Client c = machine.client();
        long root = OracleCheck.TABLE_REGION;
        var cfg = dev.lockstep.models.vmsa.WalkConfig.stage1(Granule.G4K, 39, 48, root, 0xFF);
        long l2 = root + 0x1000;
        long l3 = root + 0x2000;
        c.memset64(root, 0, 0x3000);
        c.write64(root, dev.lockstep.models.vmsa.Descriptor.table(l2, cfg));
        c.write64(l2, dev.lockstep.models.vmsa.Descriptor.table(l3, cfg));
        c.write64(l3 + 8, dev.lockstep.models.vmsa.Descriptor.page(0x4567_8000L,
                dev.lockstep.models.vmsa.LeafAttributes.stage1(0, 0b01, 3), cfg));
        AtOracle o = new AtOracle(c);
        long tcr = OracleCheck.Scenario.tcr(Granule.G4K, 39, 48);
        AtOracle.Par ok = (AtOracle.Par) o.translate(tcr, 0xFF, root, 0, 0x1234, AtKind.S1E1R);
        assertFalse(ok.fault(), ok.toString());
        assertEquals(0x4567_8000L, ok.pa());
        AtOracle.Par pan = (AtOracle.Par) o.translate(tcr, 0xFF, root, 0, 0x1234, AtKind.S1E1RP);
        assertTrue(pan.fault(), pan.toString());
        assertEquals(0b001111, pan.fst(), pan.toString()); // permission fault, level 3
        AtOracle.Par after = (AtOracle.Par) o.translate(tcr, 0xFF, root, 0, 0x1234, AtKind.S1E1W);
        assertFalse(after.fault(), "PAN is cleared again after the P variant: " + after);
    }

    @Test
    void stdioTransportWorksToo() throws Exception {
        try (QemuMachine m = QemuMachine.start(buildAgent(), QemuMachine.Transport.STDIO, Duration.ofSeconds(10))) {
            m.client().nop(0);
            assertEquals(0x4020_0000L, m.client().call(M1n1Client.P_GET_BASE));
        }
    }

    @Test
    void granule4k() throws Exception {
        check(Granule.G4K, 1);
    }

    @Test
    void granule16k() throws Exception {
        check(Granule.G16K, 2);
    }

    @Test
    void granule64k() throws Exception {
        check(Granule.G64K, 3);
    }

    @Test
    void uatTablesWalkStructurally() throws Exception {
        UatOracleCheck.Result r = UatOracleCheck.on(machine).run(SEED * 31 + 5, TRANSLATIONS, 100);
        System.out.printf("QEMU oracle UAT: %d translations, %d named and %d unexplained differences%n  outcomes: %s%n",
                r.translations(), r.differences().size() - r.unexplained().size(), r.unexplained().size(), r.outcomes());
        r.differences().stream().collect(java.util.stream.Collectors.groupingBy(
                d -> (d.explained() ? "named: " : "UNEXPLAINED: ") + d.what(), java.util.TreeMap::new,
                java.util.stream.Collectors.toList())).forEach((k, v) -> System.out.println("  " + k + ": "
                + v.size() + ", e.g.\n" + v.get(0).toString().indent(4)));
        assertEquals(TRANSLATIONS, r.translations());
        assertTrue(r.outcomes().keySet().stream().anyMatch(k -> k.startsWith("page attr")), r.outcomes().toString());
        assertEquals(List.of(), r.unexplained().stream().limit(5).map(Object::toString).toList());
    }

    @Test
    void theMailboxAndTheUartGiveTheSameAnswers() throws Exception {
        Assumptions.assumeTrue(machine.mailbox().isPresent(), "no shared RAM on this machine");
        int n = Math.max(200, TRANSLATIONS / 4);
        EnumSet<OracleCheck.Flavour> all = EnumSet.allOf(OracleCheck.Flavour.class);
        OracleCheck.Result uart = new OracleCheck(machine.client()).run(Granule.G4K, SEED * 31 + 9, n, 50, all);
        OracleCheck.Result shared = OracleCheck.on(machine).run(Granule.G4K, SEED * 31 + 9, n, 50, all);
        System.out.printf("QEMU oracle transport: %.0f translations/s over the UART, %.0f over the shared-RAM mailbox "
                + "(%d translations each, 4K, all flavours; machine shared with other work)%n",
                uart.translationsPerSecond(), shared.translationsPerSecond(), n);
        assertEquals(uart.outcomes(), shared.outcomes());
        assertEquals(uart.differences(), shared.differences());
    }

    private void check(Granule g, long seed) throws Exception {
        OracleCheck.Result r = OracleCheck.on(machine).run(g, SEED * 31 + seed, TRANSLATIONS, 100,
                EnumSet.allOf(OracleCheck.Flavour.class));
        System.out.printf("QEMU oracle %s: %d translations in %d scenarios, %.0f translations/s over %s "
                        + "(%.1f s in all), %d explained and %d unexplained differences%n  outcomes: %s%n",
                g.label(), r.translations(), r.scenarios(), r.translationsPerSecond(), machine.proxy().describe(),
                r.totalNanos() / 1e9, r.differences().size() - r.unexplained().size(), r.unexplained().size(), r.outcomes());
        r.differences().stream().filter(d -> !d.explained()).limit(20).forEach(System.out::println);
        r.differences().stream().collect(java.util.stream.Collectors.groupingBy(
                d -> (d.explained() ? "explained: " : "UNEXPLAINED: ") + d.what(), java.util.TreeMap::new,
                java.util.stream.Collectors.toList())).forEach((k, v) -> System.out.println("  " + k + ": "
                + v.size() + ", e.g.\n" + v.get(0).toString().indent(4)));
        assertEquals(TRANSLATIONS, r.translations());
        for (OracleCheck.Flavour f : OracleCheck.Flavour.values()) {
            assertTrue(r.outcomes().keySet().stream().anyMatch(k -> k.startsWith(f + " translated")),
                    f + " never translated anything: " + r.outcomes());
        }
        assertEquals(0, r.unexplained().size(), "model and hardware differ: " + r.unexplained().stream()
                .limit(5).map(Object::toString).reduce("", (a, b) -> a + "\n" + b));
    }

    static Path buildAgent() throws Exception {
        return QemuTestSupport.agent();
    }
}
