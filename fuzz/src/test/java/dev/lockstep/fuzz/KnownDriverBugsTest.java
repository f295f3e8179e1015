package dev.lockstep.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.bench.target.AgentBuild;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * known-driver-bugs.ini and crash signatures without an agent: the file's rules (every entry
 * explained, a crash listed only by its signature, exact matching), and the signature read from a
 * CRASH description as the agent writes it, with a stub for addr2line.
 */
class KnownDriverBugsTest {
    /** The detail of the syslog crash finding, as RtkitCaseRunner wrote it on 6.1.192. */
    private static final String SYSLOG_CRASH_DETAIL = """
            agent crashed: SIGSEGV at 0xf in op 1 (RTKIT STEP)
            backtrace: lockstep-agent+0x8187 libc.so.6+0x3c050 lockstep-agent+0xfacc lockstep-agent+0xba5d \
            lockstep_wq_step+0x38 rtk_request+0x4cc main+0x9c9 libc.so.6+0x2724a __libc_start_main+0x85 _start+0x21
            (the model's phase: AWAIT_HELLO)
            """;
    private static final CrashSignature.Location LOG = new CrashSignature.Location("apple_rtkit_syslog_rx_log",
            "drivers/soc/apple/rtkit.c", 465);

    @Test
    void theRepositoryListLoadsAndNamesTheSyslogCrashBySignature() throws Exception {
        KnownDriverBugs k = KnownDriverBugs.load(AgentBuild.root().resolve("known-driver-bugs.ini"));
        assertEquals("rtkit-syslog-init-msg-size-0",
                k.matchCrash("syslog Log: SIGSEGV in apple_rtkit_syslog_rx_log (drivers/soc/apple/rtkit.c:465)").orElseThrow().name());
        assertTrue(k.matchTitle("rtkit: the agent crashes on syslog Log").isEmpty(), "a crash title accepts nothing");
        for (KnownDriverBugs.Entry e : k.entries()) {
            assertTrue(e.source().contains("rtkit.c:"), e.name() + " names its source lines");
        }
    }

    @Test
    void matchingIsExact(@TempDir Path dir) throws Exception {
        KnownDriverBugs k = KnownDriverBugs.load(write(dir, """
                [leak]
                title = rtkit: FREE leaks kmalloc objects
                crash = syslog Log: SIGSEGV in f (drivers/x.c:1)
                reason = r
                source = s
                """));
        assertTrue(k.matchTitle("rtkit: FREE leaks kmalloc objects").isPresent());
        assertFalse(k.matchTitle("rtkit: FREE leaks kmalloc objects and more").isPresent());
        assertFalse(k.matchTitle("rtkit: FREE leaks").isPresent());
        assertFalse(k.matchTitle("syslog Log: SIGSEGV in f (drivers/x.c:1)").isPresent(), "a signature is no title");
        assertFalse(k.matchCrash("rtkit: FREE leaks kmalloc objects").isPresent(), "a title is no signature");
        assertFalse(k.matchCrash("syslog Log: SIGSEGV in f (drivers/x.c:10)").isPresent());
        assertTrue(k.matchCrash("syslog Log: SIGSEGV in f (drivers/x.c:1)").isPresent());
    }

    @Test
    void badListsAreRefusedWithTheirLine(@TempDir Path dir) {
        Map<String, String> bad = Map.of(
                "[a]\ntitle = t\nsource = s\n", "line 1: entry [a] needs a reason and a source",
                "[a]\nreason = r\nsource = s\n", "line 1: entry [a] lists no title and no crash",
                "[a]\ntitle = rtkit: the agent crashes on syslog Log\nreason = r\nsource = s\n",
                "line 2: a crash or hang is listed by its signature",
                "[a]\ntitle = t\nreason = r\nsource = s\n[b]\ntitle = t\nreason = r\nsource = s\n",
                "line 6: title 't' is listed already, under [a]",
                "[a]\npattern = t\n", "line 2: unknown key 'pattern'",
                "title = t\n", "line 1: expected '[name]' or 'key = value'",
                "[a]\ncrash =\n", "line 2: 'crash' has no value");
        bad.forEach((text, message) -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KnownDriverBugs.load(write(dir, text)));
            assertTrue(e.getMessage().contains(message), e.getMessage() + " (expected: " + message + ")");
        });
    }

    @Test
    void theSignatureIsTheInputTheSignalAndTheDriverLine() {
        List<List<String>> asked = new ArrayList<>();
        CrashSignature.Resolver stub = addresses -> {
            asked.add(addresses);
            return addresses.stream().map(a -> a.equals("0xfacc") ? Optional.of(LOG)
                    : a.equals("0xba5c") ? Optional.of(new CrashSignature.Location("run_one", "src/agent/shim/workqueue.c", 93))
                    : Optional.<CrashSignature.Location>empty()).toList();
        };
        assertEquals("syslog Log: SIGSEGV in apple_rtkit_syslog_rx_log (drivers/soc/apple/rtkit.c:465)",
                CrashSignature.of("rtkit: the agent crashes on syslog Log", SYSLOG_CRASH_DETAIL, stub));
        // The handler and the C library are skipped; the faulting pc right after the signal
        // trampoline is taken as it is, every return address one byte back.
        assertEquals(List.of(List.of("0xfacc", "0xba5c", "lockstep_wq_step+0x37", "rtk_request+0x4cb", "main+0x9c8")), asked);
    }

    @Test
    void aDriverFrameIsPreferredAndTheShimIsTheFallback() {
        CrashSignature.Resolver shimOnly = addresses -> addresses.stream().map(a -> a.equals("0xba5c")
                ? Optional.of(new CrashSignature.Location("run_one", "src/agent/shim/workqueue.c", 93))
                : Optional.<CrashSignature.Location>empty()).toList();
        assertEquals("syslog Log: SIGSEGV in run_one (src/agent/shim/workqueue.c:93)",
                CrashSignature.of("rtkit: the agent crashes on syslog Log", SYSLOG_CRASH_DETAIL, shimOnly));
        CrashSignature.Resolver nothing = addresses -> addresses.stream().map(a -> Optional.<CrashSignature.Location>empty()).toList();
        assertEquals("syslog Log: SIGSEGV at lockstep-agent+0xfacc",
                CrashSignature.of("rtkit: the agent crashes on syslog Log", SYSLOG_CRASH_DETAIL, nothing));
    }

    @Test
    void bugsAndDeathsWithoutAFrame() {
        CrashSignature.Resolver drv = addresses -> addresses.stream().map(a -> Optional.of(LOG)).toList();
        String bug = "agent crashed: BUG at drivers/soc/apple/rtkit.c:99 in op 3 (RTKIT CALL)\nbacktrace: lockstep-agent+0x10 lockstep-agent+0x20\n";
        assertEquals("call boot: BUG at drivers/soc/apple/rtkit.c:99 in apple_rtkit_syslog_rx_log (drivers/soc/apple/rtkit.c:465)",
                CrashSignature.of("rtkit: the agent crashes on call boot", bug, drv));
        assertEquals("FREE: died (killed by signal 9)",
                CrashSignature.of("rtkit: the agent crashes on FREE", "agent died: killed by signal 9\n(the model's phase: ON)", drv));
        assertThrows(IllegalArgumentException.class, () -> CrashSignature.of("rtkit: FREE leaks kmalloc objects", "", drv));
    }

    @Test
    void addr2lineLinesAreReadWithoutTheirTreePrefix() {
        assertEquals(Optional.of(LOG), CrashSignature.location("apple_rtkit_syslog_rx_log",
                "/home/u/.cache/lockstep/kernel-src/debian-linux-source-6.1-x/drivers/soc/apple/rtkit.c:465 (discriminator 2)"));
        assertEquals(Optional.empty(), CrashSignature.location("??", "??:0"));
        assertEquals("src/agent/shim/workqueue.c", CrashSignature.relative("/tmp/h/src/agent/shim/workqueue.c"));
    }

    private static Path write(Path dir, String text) throws java.io.IOException {
        Path f = Files.createTempFile(dir, "bugs", ".ini");
        Files.writeString(f, text);
        return f;
    }
}
