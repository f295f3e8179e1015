package dev.lockstep.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.lockstep.bench.engine.Divergence;
import dev.lockstep.bench.engine.KnownDivergences;
import dev.lockstep.bench.rtkit.RtkitCampaign;
import dev.lockstep.bench.rtkit.RtkitReproducer;
import dev.lockstep.bench.rtkit.RtkitStep;
import dev.lockstep.bench.target.AgentBuild;
import dev.lockstep.bench.target.AgentTarget;
import dev.lockstep.bench.target.HostAgentProcess;
import dev.lockstep.bench.target.TargetFailure;
import dev.lockstep.models.rtkit.ApCall;
import dev.lockstep.models.rtkit.ApInput;
import dev.lockstep.models.rtkit.BufferMessage;
import dev.lockstep.models.rtkit.Endpoints;
import dev.lockstep.models.rtkit.FirmwareDescription;
import dev.lockstep.models.rtkit.FirmwareModel;
import dev.lockstep.models.rtkit.KdebugMessage;
import dev.lockstep.models.rtkit.Malformation;
import dev.lockstep.models.rtkit.ManagementMessage;
import dev.lockstep.models.rtkit.Message;
import dev.lockstep.models.rtkit.OslogMessage;
import dev.lockstep.models.rtkit.RtkitOptions;
import dev.lockstep.models.rtkit.SyslogInitLayout;
import dev.lockstep.models.rtkit.SyslogMessage;
import dev.lockstep.reports.Category;
import dev.lockstep.reports.Finding;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Differential fuzzing of Apple RTKit through the link: Jazzer's bytes become an RTKit case
 * (firmware messages, the client's calls, the clock), which runs on the real rtkit.c in the host
 * agent over its pseudo-terminal and on the model (ApModel, default options), judged step by step
 * by the RTKit scoreboard as a `fuzz --format rtkit` campaign judges it.
 *
 * <p>It fails on what must not happen: an agent crash or hang that is not a listed driver bug (a
 * crash is matched by its {@link CrashSignature}: input, signal and driver line), a bench error or
 * a failed link, and a model divergence whose title is neither in known-divergences.ini (choices
 * the protocol leaves open) nor listed in known-driver-bugs.ini (bugs found, explained and left for
 * upstream). What is accepted is counted and the case skipped (a crashed agent is restarted).
 * Needs the host agent, so ClusterFuzzLite leaves it out with the other *LinkFuzzTest classes.
 *
 * <p>Input layout (write regression inputs with printf). Byte 0 picks the start, {@code % 4}:
 * 0 nothing, 1 a well-formed boot, 2 the firmware's handshake only, 3 an entry of the firmware
 * model's catalogue of ill-formed boots (u16 index, modulo its size). Then steps until the bytes
 * run out or {@value #MAX_STEPS} are decoded: an opcode byte {@code % 26} and its operands
 * (little-endian; missing bytes read as 0):
 * <pre>
 *  0 HELLO min:u16 max:u16          1 HELLO 11..12 (the typical firmware's)
 *  2 EPMAP bitmap:u32 flags:u8 (base 2:0, LAST bit 3)      3 the typical EPMAP pages
 *  4 IOP power ack state:u16        5 AP power ack state:u16
 *  6 management type:u8 payload:u64 (the payload's TYPE bits replaced)
 *  7 buffer request ep:u8 (crashlog, syslog, ioreport by % 3) pages:u8 iova-kind:u8 iova:u64
 *    (kind % 3: 0 IOVA 0, the AP allocates; 1 u32 pages, page-aligned; 2 raw)
 *  8 syslog INIT entries:u16 entry-size:u16 (the model's INIT layout)   9 syslog LOG index:u8
 * 10 a crash report (type 1 on crashlog, the typical buffer)
 * 11 crashlog type:u8 payload:u64   12 oslog type:u8 payload:u64   13 kdebug type:u8 payload:u64
 * 14 ioreport type:u8 payload:u64   15 app message ep:u8 (0x20 + % 0xe0) msg0:u64
 * 16 any message ep:u8 msg0:u64
 * 17 call boot   18 call wake   19 call quiesce   20 call shutdown   21 call reinit
 * 22 call start_ep ep:u8           23 call send ep:u8 msg0:u64
 * 24 the clock moves by one wait (1000 ms)
 * 25 a whole exchange, which:u8 % 4: boot, quiesce, shutdown, wake
 * </pre>
 * e.g. {@code printf '\x01\x08\x08\x00\x00\x00\x09\x00'}: a boot, syslog INIT of 8 entries of 0
 * bytes, syslog LOG 0 (the rtkit.c:465 crash).
 */
class RtkitLinkFuzzTest {
    static final int MAX_STEPS = 64;
    /** The generator's bound on a case's length: exchanges add several steps each. */
    static final int MAX_CASE = 200;
    static final RtkitOptions OPTIONS = RtkitOptions.defaults();
    static final FirmwareModel FW = new FirmwareModel(FirmwareDescription.typical(OPTIONS.layout()));
    private static final List<Malformation> CATALOGUE = FW.catalogue();
    private static final Tally TALLY = new Tally();
    private static AgentTarget target;
    private static CrashSignature.Resolver resolver;
    private static KnownDivergences known;
    private static KnownDriverBugs bugs;

    @FuzzTest(maxDuration = "30s")
    void rtkitOverTheLink(byte[] input) throws Exception {
        judge(decode(input), bugs(), TALLY);
    }

    // ---------------------------------------------------------------- the allowlist at work (real agent)

    private static final byte[] SYSLOG_CRASH = {1, 8, 8, 0, 0, 0, 9, 0};

    @Test
    void aListedCrashIsCountedSkippedAndTheAgentRestarted() throws Exception {
        Tally tally = new Tally();
        long restarts = target().health().get("agent_restarts");
        judge(decode(SYSLOG_CRASH), bugs(), tally);
        assertEquals(Map.of("rtkit-syslog-init-msg-size-0", 1L), tally.driverBugs);
        assertEquals(restarts + 1, target().health().get("agent_restarts"));
        // The restarted agent runs the next case from a clean driver: a plain boot agrees.
        judge(decode(new byte[] {1}), bugs(), tally);
        assertEquals(1, tally.agreed);
    }

    @Test
    void aCrashIsAcceptedOnlyByItsExactSignature(@TempDir Path dir) throws Exception {
        String list = Files.readString(AgentBuild.root().resolve("known-driver-bugs.ini"));
        String line = "crash  = syslog Log: SIGSEGV in apple_rtkit_syslog_rx_log (drivers/soc/apple/rtkit.c:465)";
        assertTrue(list.contains(line), "the listed signature this test varies");
        for (String other : List.of(line.replace(":465", ":466"), line.replace("syslog Log", "syslog Init"),
                line.replace("SIGSEGV", "SIGBUS"), "")) {
            Path f = dir.resolve("bugs-" + other.hashCode() + ".ini");
            Files.writeString(f, list.replace(line, other.isEmpty() ? "title  = rtkit: a title no case gives" : other));
            AssertionError e = assertThrows(AssertionError.class, () -> judge(decode(SYSLOG_CRASH), KnownDriverBugs.load(f), new Tally()),
                    "accepted with '" + other + "'");
            assertTrue(e.getMessage().contains("lists no such crash:\n  " + line.replace("crash  =", "crash =")), e.getMessage());
            assertTrue(e.getMessage().contains("replay: ./lockstep replay "), e.getMessage());
        }
    }

    @Test
    void aDivergenceIsAcceptedWhenKnownOrListedAndOtherwiseFails(@TempDir Path dir) throws Exception {
        // Two syslog INITs after a boot: the first kzalloc is lost, "FREE leaks kmalloc objects".
        byte[] twoInits = {1, 8, 8, 0, (byte) 0xe0, 0, 8, 8, 0, (byte) 0xe0, 0};
        Tally tally = new Tally();
        judge(decode(twoInits), bugs(), tally);
        assertEquals(Map.of("rtkit-syslog-init-leaks", 1L), tally.driverBugs);
        // send() to app endpoint 0x22, which the typical EPMAP does not announce: a known divergence.
        byte[] sendUndiscovered = {1, 23, 0x22, 1, 2, 3, 4, 5, 6, 7, 8};
        judge(decode(sendUndiscovered), bugs(), tally);
        assertEquals(Map.of("rtkit-send-to-undiscovered", 1L), tally.known);

        String list = Files.readString(AgentBuild.root().resolve("known-driver-bugs.ini"));
        Path f = dir.resolve("without-leak.ini");
        Files.writeString(f, list.replace("title  = rtkit: FREE leaks kmalloc objects", "title  = rtkit: a title no case gives"));
        AssertionError e = assertThrows(AssertionError.class, () -> judge(decode(twoInits), KnownDriverBugs.load(f), new Tally()));
        assertTrue(e.getMessage().startsWith("a divergence neither known"), e.getMessage());
        assertTrue(e.getMessage().contains("rtkit: FREE leaks kmalloc objects"), e.getMessage());
    }

    @Test
    void theInputLayoutDecodesAsDocumented() {
        assertEquals(List.of(), decode(new byte[0]));
        List<RtkitStep> crash = decode(SYSLOG_CRASH);
        int boot = FW.boot().size();
        assertEquals(boot + 2, crash.size());
        assertEquals("iop 0x02 0x0080000000000008", crash.get(boot).toString());
        assertEquals("iop 0x02 0x0050000000000000", crash.get(boot + 1).toString());
        assertEquals(List.of("call send 0x22 0x0807060504030201"),
                decode(new byte[] {0, 23, 0x22, 1, 2, 3, 4, 5, 6, 7, 8}).stream().map(Object::toString).toList());
        // Missing operand bytes read as 0; opcodes wrap modulo 26; the step count is bounded.
        assertEquals(List.of("iop 0x00 0x0010000000000000"), decode(new byte[] {0, 0}).stream().map(Object::toString).toList());
        assertEquals(List.of("advance 1000"), decode(new byte[] {0, 24 + 26}).stream().map(Object::toString).toList());
        byte[] many = new byte[1 + 2 * MAX_STEPS];
        java.util.Arrays.fill(many, (byte) 24);
        many[0] = 0;
        assertEquals(MAX_STEPS, decode(many).size());
    }

    @AfterAll
    static void report() {
        if (TALLY.cases > 0) {
            System.err.println("rtkitOverTheLink: " + TALLY);
        }
    }

    /** What the cases came to: agreed, known divergences, listed driver bugs by entry. */
    static final class Tally {
        long cases;
        long steps;
        long agreed;
        final Map<String, Long> known = new TreeMap<>();
        final Map<String, Long> driverBugs = new TreeMap<>();

        @Override
        public String toString() {
            return cases + " cases (" + steps + " steps): " + agreed + " agreed, " + known.values().stream().mapToLong(x -> x).sum()
                    + " known divergences " + known + ", " + driverBugs.values().stream().mapToLong(x -> x).sum()
                    + " listed driver bugs " + driverBugs + (target != null ? ", agent restarts " + target.health().get("agent_restarts") : "");
        }
    }

    /**
     * Runs one case and judges its divergences: returns when each is accepted (counted in
     * {@code tally}), throws AssertionError naming the first that is not, with a reproducer that
     * {@code ./lockstep replay} runs.
     */
    static void judge(List<RtkitStep> steps, KnownDriverBugs allow, Tally tally) throws Exception {
        AgentTarget t = target();
        List<Divergence> found;
        try {
            found = RtkitCampaign.replay(t, new RtkitReproducer("", OPTIONS.asMap(), 0, steps));
        } catch (TargetFailure f) {
            t.restart();
            throw new AssertionError("the link to the agent failed: " + f.getMessage() + reproducer("link failure", steps), f);
        } catch (IllegalStateException e) {
            // RtkitSession's "bench error": the agent refused what the bench sent; a bench bug.
            t.restart();
            throw new AssertionError(e.getMessage() + reproducer("bench error", steps), e);
        }
        tally.cases++;
        tally.steps += steps.size();
        if (found.isEmpty()) {
            tally.agreed++;
            return;
        }
        for (Divergence d : found) {
            String why = accepted(d, allow, tally);
            if (why != null) {
                throw new AssertionError(why + "\n\n" + d.title() + "\n" + d.detail() + reproducer(d.title(), steps));
            }
        }
    }

    /** Null when {@code d} is accepted (and counted); otherwise why it is not. */
    static String accepted(Divergence d, KnownDriverBugs allow, Tally tally) {
        if (d.title().contains("bench error")) {
            return "a bench error";
        }
        if (d.category() == Category.HANG) {
            return "the agent hangs: no hang is an accepted driver bug";
        }
        if (d.category() == Category.CRASH) {
            String sig = CrashSignature.of(d.title(), d.detail(), resolver());
            var e = allow.matchCrash(sig);
            if (e.isEmpty()) {
                return "the agent crashes, and " + allow.file().getFileName() + " lists no such crash:\n  crash = " + sig;
            }
            tally.driverBugs.merge(e.get().name(), 1L, Long::sum);
            return null;
        }
        var k = known().match(d.title());
        if (k.isPresent()) {
            tally.known.merge(k.get().name(), 1L, Long::sum);
            return null;
        }
        var e = allow.matchTitle(d.title());
        if (e.isPresent()) {
            tally.driverBugs.merge(e.get().name(), 1L, Long::sum);
            return null;
        }
        return "a divergence neither known (known-divergences.ini) nor a listed driver bug (" + allow.file().getFileName() + ")";
    }

    /** The case as a reproducer file for ./lockstep replay, and its text. */
    private static String reproducer(String title, List<RtkitStep> steps) {
        RtkitReproducer r = new RtkitReproducer(title, OPTIONS.asMap(), 0, steps);
        try {
            Path f = Path.of("target", "rtkitOverTheLink", Finding.idOf(title) + ".lst").toAbsolutePath();
            Files.createDirectories(f.getParent());
            r.write(f);
            return "\n\nreplay: ./lockstep replay " + f + "\n" + r.text();
        } catch (java.io.IOException e) {
            return "\n\n(could not write the reproducer: " + e.getMessage() + ")\n" + r.text();
        }
    }

    static synchronized AgentTarget target() throws Exception {
        if (target == null) {
            Path binary = AgentBuild.build(java.util.Optional.empty(), false);
            Path log = Files.createTempFile("lockstep-jazzer-rtkit-agent", ".log");
            target = new AgentTarget("host", new HostAgentProcess(binary, HostAgentProcess.Mode.PTY, log), 10_000);
            resolver = CrashSignature.addr2line(binary);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> target.close()));
        }
        return target;
    }

    private static CrashSignature.Resolver resolver() {
        return resolver;
    }

    static synchronized KnownDivergences known() {
        if (known == null) {
            try {
                known = KnownDivergences.load(AgentBuild.root().resolve("known-divergences.ini"));
            } catch (Exception e) {
                throw new IllegalStateException("cannot read known-divergences.ini: " + e.getMessage(), e);
            }
        }
        return known;
    }

    static synchronized KnownDriverBugs bugs() throws java.io.IOException {
        if (bugs == null) {
            bugs = KnownDriverBugs.load(AgentBuild.root().resolve("known-driver-bugs.ini"));
        }
        return bugs;
    }

    // ---------------------------------------------------------------- bytes to a case

    /** The case the bytes describe (layout in the class comment); never throws. */
    static List<RtkitStep> decode(byte[] input) {
        Bytes b = new Bytes(input);
        List<RtkitStep> out = new ArrayList<>();
        if (!b.more()) {
            return out;
        }
        switch (b.u8() % 4) {
            case 1 -> add(out, FW.boot());
            case 2 -> add(out, FW.handshake());
            case 3 -> add(out, CATALOGUE.get(b.u16() % CATALOGUE.size()).stimulus());
            default -> { }
        }
        for (int n = 0; n < MAX_STEPS && b.more() && out.size() < MAX_CASE; n++) {
            step(b, out);
        }
        return out.size() > MAX_CASE ? new ArrayList<>(out.subList(0, MAX_CASE)) : out;
    }

    private static void step(Bytes b, List<RtkitStep> out) {
        SyslogInitLayout sl = OPTIONS.layout().syslogInit();
        switch (b.u8() % 26) {
            case 0 -> fw(out, new ManagementMessage.Hello(b.u16(), b.u16()).encode());
            case 1 -> fw(out, FW.hello());
            case 2 -> {
                long bitmap = b.u32();
                int flags = b.u8();
                fw(out, new ManagementMessage.Epmap(bitmap, flags & 7, (flags & 8) != 0).encode());
            }
            case 3 -> FW.epmapPages().forEach(m -> fw(out, m));
            case 4 -> fw(out, FirmwareModel.iopPowerAck(b.u16()));
            case 5 -> fw(out, FirmwareModel.apPowerAck(b.u16()));
            case 6 -> fw(out, typed(Endpoints.MANAGEMENT, ManagementMessage.TYPE.mask(), ManagementMessage.TYPE.lo(), b.u8(), b.u64()));
            case 7 -> {
                int ep = new int[] {Endpoints.CRASHLOG, Endpoints.SYSLOG, Endpoints.IOREPORT}[b.u8() % 3];
                int pages = b.u8();
                int kind = b.u8() % 3;
                long raw = b.u64();
                long field = OPTIONS.layout().iova().field().mask();
                long iova = kind == 0 ? 0 : kind == 1 ? (raw & 0xffff_ffffL) << 12 & field : raw & field;
                fw(out, new Message(BufferMessage.TYPE.put(BufferMessage.T_BUFFER) | BufferMessage.SIZE.put(pages) | iova, ep));
            }
            case 8 -> {
                int entries = (int) (b.u16() & sl.entries().max());
                int size = (int) (b.u16() & sl.entrySize().max());
                fw(out, new SyslogMessage.Init(entries, size, sl).encode());
            }
            case 9 -> fw(out, FW.syslogLog(b.u8()));
            case 10 -> fw(out, FW.crash());
            case 11 -> fw(out, typed(Endpoints.CRASHLOG, BufferMessage.TYPE.mask(), BufferMessage.TYPE.lo(), b.u8(), b.u64()));
            case 12 -> fw(out, typed(Endpoints.OSLOG, OslogMessage.TYPE.mask(), OslogMessage.TYPE.lo(), b.u8(), b.u64()));
            case 13 -> fw(out, typed(Endpoints.KDEBUG, KdebugMessage.TYPE.mask(), KdebugMessage.TYPE.lo(), b.u8(), b.u64()));
            case 14 -> fw(out, typed(Endpoints.IOREPORT, BufferMessage.TYPE.mask(), BufferMessage.TYPE.lo(), b.u8(), b.u64()));
            case 15 -> {
                int ep = Endpoints.FIRST_APP + b.u8() % (Endpoints.LAST + 1 - Endpoints.FIRST_APP);
                fw(out, new Message(b.u64(), ep));
            }
            case 16 -> {
                int ep = b.u8();
                fw(out, new Message(b.u64(), ep));
            }
            case 17 -> call(out, new ApCall.Boot());
            case 18 -> call(out, new ApCall.Wake());
            case 19 -> call(out, new ApCall.Quiesce());
            case 20 -> call(out, new ApCall.Shutdown());
            case 21 -> call(out, new ApCall.Reinit());
            case 22 -> call(out, new ApCall.StartEp(b.u8()));
            case 23 -> {
                int ep = b.u8();
                call(out, new ApCall.Send(ep, b.u64()));
            }
            case 24 -> out.add(new RtkitStep.Advance(RtkitStep.WAIT_MS));
            default -> add(out, switch (b.u8() % 4) {
                case 0 -> FW.boot();
                case 1 -> FirmwareModel.quiesce();
                case 2 -> FirmwareModel.shutdown();
                default -> FW.wake();
            });
        }
    }

    /** A message of {@code type} on {@code ep}: the payload's other bits kept, its TYPE bits replaced. */
    private static Message typed(int ep, long typeMask, int typeLo, int type, long payload) {
        return new Message((payload & ~typeMask) | ((long) type << typeLo & typeMask), ep);
    }

    private static void fw(List<RtkitStep> out, Message m) {
        out.add(new RtkitStep.Fw(m));
    }

    private static void call(List<RtkitStep> out, ApCall c) {
        out.add(new RtkitStep.Call(c));
    }

    private static void add(List<RtkitStep> out, List<ApInput> inputs) {
        inputs.forEach(in -> out.add(RtkitStep.of(in)));
    }

    /** The input read front to back; past its end every byte reads as 0 and {@link #more()} is false. */
    private static final class Bytes {
        private final byte[] data;
        private int at;

        Bytes(byte[] data) {
            this.data = data;
        }

        boolean more() {
            return at < data.length;
        }

        int u8() {
            return at < data.length ? data[at++] & 0xff : 0;
        }

        int u16() {
            return u8() | u8() << 8;
        }

        long u32() {
            return (u16() | (long) u16() << 16) & 0xffff_ffffL;
        }

        long u64() {
            return u32() | u32() << 32;
        }
    }
}
