package dev.lockstep.bench.m1n1;

import dev.lockstep.bench.link.LinkException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A CPU's own translation table walker next to a campaign (QEMU's today): the tables the
 * campaign's monitor holds are copied into the machine's RAM at their own physical addresses, and
 * the walker answers AT queries about them. The QEMU judge (bench engine) asks it about every
 * address the scoreboard probes.
 *
 * <p>Tables go in incrementally: a block whose contents did not change since the last load (the
 * monitor replaces a block's array when it changes) is not written again, and a block that went away
 * is zeroed, so a stale table can never be walked.
 *
 * <p>Counters for summary.json's health: {@code qemu_translations}, {@code qemu_at_micros},
 * {@code qemu_table_bytes}, and one {@code qemu_named_*} counter per named QEMU-versus-architecture
 * fact met (they are counted, never hidden).
 */
public final class HardwareWalker implements AutoCloseable {
    private final QemuMachine machine;
    private final AtOracle oracle;
    private final GuestMemory memory;
    private final Map<Long, long[]> loaded = new HashMap<>();
    private final Map<String, Long> counters = new LinkedHashMap<>();

    private HardwareWalker(QemuMachine machine) {
        this.machine = machine;
        this.oracle = new AtOracle(machine.proxy());
        this.memory = machine.memory();
        counters.put("qemu_translations", 0L);
        counters.put("qemu_at_micros", 0L);
        counters.put("qemu_table_bytes", 0L);
    }

    /**
     * Starts QEMU with enough RAM to hold every address below {@code ramTop} (sharing it with the
     * bench where it can) and the agent built from src/qemu.
     */
    public static HardwareWalker start(long ramTop, Duration timeout) throws IOException, LinkException {
        Path elf = QemuAgentBuild.build();
        QemuMachine.Options o = QemuMachine.Options.defaults().withRam(QemuMachine.Options.ramReaching(ramTop));
        return new HardwareWalker(QemuMachine.start(elf, o, timeout));
    }

    /** Over a machine already running (tests). */
    public static HardwareWalker on(QemuMachine machine) {
        return new HardwareWalker(Objects.requireNonNull(machine, "machine"));
    }

    /** Where guest RAM ends: tables must lie below. */
    public long ramEnd() {
        return SharedGuestRam.RAM_BASE + machine.options().ramBytes();
    }

    /**
     * Makes guest RAM hold exactly these blocks (physical address to 64-bit words) where the
     * previous load put blocks: changed and new ones written, vanished ones zeroed.
     *
     * @throws IllegalArgumentException if a block lies outside guest RAM or over the agent
     */
    public void load(Map<Long, long[]> blocks) throws IOException, M1n1Exception {
        for (Map.Entry<Long, long[]> e : blocks.entrySet()) {
            long pa = e.getKey();
            long[] words = e.getValue();
            if (pa < QemuMachine.MAILBOX_BASE + (1L << 20) || pa + 8L * words.length > ramEnd()) {
                throw new IllegalArgumentException(String.format(
                        "a table block at 0x%x (+0x%x) is outside the guest RAM the walker can use [0x%x, 0x%x)",
                        pa, 8L * words.length, QemuMachine.MAILBOX_BASE + (1L << 20), ramEnd()));
            }
        }
        for (var it = loaded.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, long[]> e = it.next();
            if (!blocks.containsKey(e.getKey())) {
                memory.zero(e.getKey(), 8L * e.getValue().length);
                it.remove();
            }
        }
        for (Map.Entry<Long, long[]> e : blocks.entrySet()) {
            long[] before = loaded.get(e.getKey());
            if (before != e.getValue()) {
                if (before != null && before.length > e.getValue().length) {
                    memory.zero(e.getKey(), 8L * before.length);
                }
                memory.writeWords(e.getKey(), e.getValue());
                count("qemu_table_bytes", 8L * e.getValue().length);
                loaded.put(e.getKey(), e.getValue());
            }
        }
    }

    /** Forgets what was loaded and zeroes it (a new case starts from empty tables). */
    public void clear() throws IOException, M1n1Exception {
        load(Map.of());
    }

    public List<AtOracle.Answer> translateAll(List<? extends AtOracle.Query> queries) throws IOException, M1n1Exception {
        long t0 = System.nanoTime();
        List<AtOracle.Answer> out = oracle.translateAll(queries);
        count("qemu_translations", queries.size());
        count("qemu_at_micros", (System.nanoTime() - t0) / 1000);
        return out;
    }

    /** Counts one meeting with a named QEMU-versus-architecture fact, e.g. "par_sh_device_nc". */
    public void named(String fact) {
        count("qemu_named_" + fact, 1);
    }

    public void count(String counter, long n) {
        counters.merge(counter, n, Long::sum);
    }

    /** The walker's counters, for summary.json's health. */
    public Map<String, Long> health() {
        Map<String, Long> m = new LinkedHashMap<>(counters);
        machine.mailbox().ifPresent(b -> m.put("qemu_doorbells", b.doorbells()));
        return m;
    }

    public String describe() {
        return machine.describe();
    }

    public QemuMachine machine() {
        return machine;
    }

    @Override
    public void close() {
        machine.close();
    }
}
