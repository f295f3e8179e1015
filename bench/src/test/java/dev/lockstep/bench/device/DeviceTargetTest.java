package dev.lockstep.bench.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.bench.cli.Main;
import dev.lockstep.bench.engine.TableMirror;
import dev.lockstep.bench.target.AgentBuild;
import dev.lockstep.bench.target.AgentTarget;
import dev.lockstep.bench.target.DeviceImage;
import dev.lockstep.bench.target.HostAgentProcess;
import dev.lockstep.bench.target.QemuDeviceProcess;
import dev.lockstep.bench.wire.AgentEvent;
import dev.lockstep.bench.wire.BatchReply;
import dev.lockstep.bench.wire.MemoryDelta;
import dev.lockstep.bench.wire.Op;
import dev.lockstep.bench.wire.OpResult;
import dev.lockstep.bench.wire.StepReply;
import dev.lockstep.models.iopgtable.Prot;
import dev.lockstep.models.vmsa.Granule;
import dev.lockstep.models.vmsa.Translation;
import dev.lockstep.models.vmsa.WalkConfig;
import dev.lockstep.models.vmsa.Walker;
import dev.lockstep.reports.CampaignSummary;
import dev.lockstep.reports.Finding;
import dev.lockstep.reports.SummaryJson;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The device target end to end: Debian's arm64 kernel under QEMU, lockstep.ko inside it, the relay
 * on the PL011, the bench on QEMU's pty. Opt-in, because it downloads Debian's arm64 kernel packages
 * once (about 75 MB) and boots a kernel under TCG (about a minute on a loaded 2-core machine) for
 * each of its two tests: {@code LOCKSTEP_DEVICE_TESTS=1 mvn -o verify -pl bench -am
 * -Dtest=DeviceTargetTest -Dsurefire.failIfNoSpecifiedTests=false}. See docs/hardware.md.
 */
@EnabledIfEnvironmentVariable(named = "LOCKSTEP_DEVICE_TESTS", matches = "1")
class DeviceTargetTest {
    private static final long ARM64_4K = 0x40201000L;
    private static final Pattern WARN_SITE = Pattern.compile("^(\\S+):\\d+ (\\w+)\\(\\)");

    @TempDir
    Path dir;

    /**
     * The same seed on the host and the device: the same stock io-pgtable source, compiled once by
     * us over the shim and once by Debian into a real kernel, must find the same classes. A title
     * found on one side only is a compiler, config or shim effect, and this test names it.
     */
    @Test
    void aDeviceCampaignFindsWhatTheHostFindsOnTheSameSeed() throws Exception {
        System.setProperty("lockstep.root", AgentBuild.root().toString());
        String ops = System.getenv().getOrDefault("LOCKSTEP_DEVICE_OPS", "1500");
        Path device = dir.resolve("device");
        Path host = dir.resolve("host");
        // One batch in flight on both: batches sent ahead of a case that ends are generated and
        // dropped, so a seed's stimulus depends on the depth, and only equal depths compare.
        assertEquals(0, Main.execute("fuzz", "--target", "device", "--format", "arm64-lpae-s1", "--granule", "4k",
                "--ops", ops, "--seed", "11", "--in-flight", "1", "--out", device.toString()));
        assertEquals(0, Main.execute("fuzz", "--target", "host", "--format", "arm64-lpae-s1", "--granule", "4k",
                "--ops", ops, "--seed", "11", "--in-flight", "1", "--out", host.toString()));

        CampaignSummary d = SummaryJson.read(device.resolve("summary.json"));
        CampaignSummary h = SummaryJson.read(host.resolve("summary.json"));
        assertEquals("device", d.target().kind());
        assertTrue(d.target().driverVersion().matches("linux 6\\.1\\.\\d+-\\d+-arm64 .*"), d.target().driverVersion());
        assertTrue(d.complete(), "the device campaign stopped early: " + d.health());
        assertTrue(d.operations() >= Long.parseLong(ops), "operations " + d.operations());
        assertEquals(0L, d.health().getOrDefault("agent_restarts", 0L), "the device died or hung: " + d.health());
        System.out.printf("device: %d ops, %.0f ops/s through the PL011; host: %.0f ops/s (loaded 2-core machine)%n",
                d.operations(), d.opsPerSecond(), h.opsPerSecond());

        Set<String> onDevice = titles(d);
        Set<String> onHost = titles(h);
        Set<String> deviceOnly = new TreeSet<>(onDevice);
        deviceOnly.removeAll(onHost);
        Set<String> hostOnly = new TreeSet<>(onHost);
        hostOnly.removeAll(onDevice);
        assertTrue(deviceOnly.isEmpty() && hostOnly.isEmpty(),
                "host and device disagree on seed 11: only on the device " + deviceOnly + ", only on the host " + hostOnly);

        DeviceImage image = DeviceImage.build();
        assertTrue(ProcessHandle.allProcesses().noneMatch(p -> p.info().commandLine()
                        .map(c -> c.contains(image.initramfs().toString())).orElse(false)),
                "a QEMU of this device build outlived its campaign");
    }

    /**
     * What only the module's own machinery can get wrong: WARN texts read back from the kernel log,
     * the tables found through the allocator's tracepoints, leaks after FREE, and non-coherent walks
     * through the real DMA API.
     */
    @Test
    void warnsTablesAndLeaksComeBackFromTheRealKernel() throws Exception {
        System.setProperty("lockstep.root", AgentBuild.root().toString());
        List<Op> warnCase = List.of(
                new Op.Alloc(0, 1, 0, ARM64_4K, 48, 48, true),
                new Op.Map(0, 0x1000, 0x40000000L, 0x3000, 1, Prot.of(Prot.READ | Prot.WRITE)));
        String hostWarn;
        try (AgentTarget host = new AgentTarget("host", new HostAgentProcess(AgentBuild.build(Optional.empty(), false),
                HostAgentProcess.Mode.PTY, dir.resolve("agent.log")), 10_000)) {
            hostWarn = onlyWarn(host.execute(warnCase));
        }

        QemuDeviceProcess qemu = new QemuDeviceProcess(DeviceImage.build(), dir.resolve("console.log"), Duration.ofMinutes(5));
        try (AgentTarget device = new AgentTarget("device", qemu, 30_000)) {
            BatchReply warned = device.execute(warnCase);
            String deviceWarn = onlyWarn(warned);
            assertEquals(site(hostWarn), site(deviceWarn), "host: " + hostWarn + ", device: " + deviceWarn);

            BatchReply r = device.execute(List.of(
                    new Op.Map(0, 0x200000, 0x40000000L, 0x1000, 4, Prot.of(Prot.READ)),
                    new Op.Alloc(1, 1, 0, ARM64_4K, 48, 48, false),
                    new Op.Map(1, 0x1000, 0x40000000L, 0x1000, 1, Prot.of(Prot.READ))));
            assertEquals(List.of(0, 0, 0), r.results().stream().map(OpResult::status).toList(), r.toString());
            assertEquals(4 * 0x1000L, r.results().get(0).value());
            MemoryDelta mem = device.syncMemory();
            // Both tables: a pgd and three levels below it each, all zeroed pages of the driver's.
            assertEquals(8, mem.changed().size(), "blocks sent");
            assertTrue(mem.freed().isEmpty());
            Set<Long> sent = mem.changed().stream().map(MemoryDelta.Block::paddr).collect(Collectors.toSet());
            long ttbr0 = warned.results().get(0).cfg().get(1);
            long ttbr1 = r.results().get(1).cfg().get(1);
            assertTrue(sent.contains(ttbr0) && sent.contains(ttbr1), "TTBRs " + Long.toHexString(ttbr0) + ", "
                    + Long.toHexString(ttbr1) + " are not among the blocks sent");

            BatchReply freed = device.execute(List.of(new Op.Free(0), new Op.Free(1)));
            assertEquals(List.of(0L, 0L), freed.results().stream().map(OpResult::value).toList(), "leaked blocks: " + freed);
            assertTrue(freed.events().stream().noneMatch(e -> e.kind() == AgentEvent.Kind.LEAK), freed.events().toString());
            MemoryDelta after = device.syncMemory();
            Set<Long> gone = after.freed().stream().map(MemoryDelta.Freed::paddr).collect(Collectors.toSet());
            assertEquals(sent, gone, "every table page the bench was sent must be reported freed");
            assertEquals(0L, device.reset());

            stepDeltasRebuildTheTables(device);
        }
    }

    /**
     * STEP (capability bit 4): a mirror built only from the module's deltas (fresh blocks, then the
     * words that differ from its shadow of what the bench holds) walks to the driver's mappings, a
     * later step sends words rather than blocks, and a FREE's delta frees every block sent.
     */
    private static void stepDeltasRebuildTheTables(AgentTarget device) throws Exception {
        assertTrue(device.hasStep(), "the module does not offer STEP and BARE (capability bit 4)");
        Prot rw = Prot.of(Prot.READ | Prot.WRITE);
        TableMirror mirror = new TableMirror(device.info().arenaBase(), device.info().arenaSize(), device.info().pageSize());
        StepReply first = device.step(true, List.of(
                new Op.Alloc(0, 1, 0, ARM64_4K, 48, 48, true),
                new Op.Map(0, 0x4000_0000L, 0x8000_0000L, 0x1000, 16, rw),
                new Op.Map(0, 0x8020_0000L, 0x4020_0000L, 0x20_0000, 2, rw)), 3, true);
        assertEquals(0L, first.leaks());
        assertEquals(List.of(0, 0, 0), first.batch().results().stream().map(OpResult::status).toList(), first.batch().toString());
        mirror.apply(first.delta());
        Map<Integer, Long> cfg = first.batch().results().get(0).cfg();
        WalkConfig walk = WalkConfig.stage1(Granule.G4K, 48, 48, cfg.get(1), cfg.get(8));
        for (int k = 0; k < 16; k++) {
            assertEquals(0x8000_0000L + k * 0x1000L, pa(walk, mirror, 0x4000_0000L + k * 0x1000L), "page " + k);
        }
        assertEquals(0x4030_1238L, pa(walk, mirror, 0x8030_1238L), "inside the first 2M block");
        assertEquals(-1L, pa(walk, mirror, 0x4001_0000L), "past the pages mapped");

        StepReply second = device.step(false, List.of(
                new Op.Unmap(0, 0x4000_5000L, 0x1000, 1),
                new Op.Map(0, 0x4000_5000L, 0x9000_0000L, 0x1000, 1, Prot.of(Prot.READ))), 2, true);
        assertEquals(List.of(0, 0), second.batch().results().stream().map(OpResult::status).toList(), second.batch().toString());
        mirror.apply(second.delta());
        assertEquals(0x9000_0000L, pa(walk, mirror, 0x4000_5000L), "the page mapped again");
        assertEquals(0x8000_4000L, pa(walk, mirror, 0x4000_4000L), "its neighbour");
        assertTrue(second.delta().writtenBytes() <= 64, "one descriptor changed, " + second.delta().writtenBytes() + " bytes sent");

        int held = mirror.blockCount();
        assertTrue(held >= 4, "a pgd and three levels below it, " + held + " blocks");
        StepReply freed = device.step(false, List.of(new Op.Free(0)), 1, false);
        assertEquals(0L, freed.batch().results().get(0).value(), "leaked blocks");
        mirror.apply(freed.delta());
        assertEquals(0, mirror.blockCount(), "blocks the FREE's delta did not free, of " + held);
        assertEquals(0L, device.reset());
    }

    /** The physical address the mirror's tables give for iova, or -1 for a fault. */
    private static long pa(WalkConfig walk, TableMirror mirror, long iova) {
        return Walker.walk(walk, mirror, iova) instanceof Translation.Translated t ? t.pa() : -1L;
    }

    private static String onlyWarn(BatchReply r) {
        assertEquals(-22, r.results().get(1).status(), r.toString());
        assertEquals(1, r.results().get(1).warns(), r.toString());
        List<AgentEvent> warns = r.events().stream().filter(e -> e.kind() == AgentEvent.Kind.WARN).toList();
        assertEquals(1, warns.size(), r.events().toString());
        assertEquals(1, warns.get(0).opIndex());
        return warns.get(0).text();
    }

    /** "drivers/iommu/io-pgtable-arm.c:487 arm_lpae_map_pages(): cond" -> file and function. */
    private static String site(String warn) {
        Matcher m = WARN_SITE.matcher(warn);
        assertTrue(m.find(), "not a WARN site: " + warn);
        return m.group(1) + " " + m.group(2);
    }

    private static Set<String> titles(CampaignSummary s) {
        return s.findings().stream().map(Finding::title).collect(Collectors.toCollection(TreeSet::new));
    }
}
