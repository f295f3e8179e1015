package dev.lockstep.bench.rtkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lockstep.bench.engine.Divergence;
import dev.lockstep.bench.target.AgentTarget;
import dev.lockstep.models.rtkit.ApCall;
import dev.lockstep.models.rtkit.ApModel;
import dev.lockstep.models.rtkit.ApState;
import dev.lockstep.models.rtkit.CallStep;
import dev.lockstep.models.rtkit.ClientOps;
import dev.lockstep.models.rtkit.RtkitOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Titles are the unit of deduplication: one behaviour of rtkit.c reached through different
 * phases, endpoints, ack states or message contents is one title, and titles still part what a
 * correct AP tells apart. Each pair below is the same driver behaviour reached two ways, run on the
 * real driver.
 */
class RtkitTitleTest {
    static AgentTarget target;

    @BeforeAll
    static void open(@TempDir Path dir) throws Exception {
        target = RtkitCampaign.open(dir);
    }

    @AfterAll
    static void close() {
        target.close();
    }

    private static List<String> titles(String... steps) throws Exception {
        List<RtkitStep> s = Stream.of(steps).map(RtkitStep::parse).toList();
        return new RtkitCaseRunner(target, new ApModel(RtkitOptions.defaults(), ClientOps.withoutShmemOps()), null).run(s)
                .divergences().stream().map(Divergence::title).toList();
    }

    private static final String EPMAP_1_TO_4_AND_8 = "iop 0x00 0x008000000000011f";
    private static final String HELLO_REFUSED = "iop 0x00 0x001000000001ffff";
    private static final String CRASHLOG_REQUEST = "iop 0x01 0x0010400000000000";
    private static final String CRASH = "iop 0x01 0x0010400000000000";

    /** The endpoint number of start_ep after a crash: the same void management send on every system endpoint. */
    @Test
    void startEpAfterACrashIsOneTitleOnEverySystemEndpoint() throws Exception {
        List<String> ep1 = titles(EPMAP_1_TO_4_AND_8, CRASHLOG_REQUEST, CRASH, "call start_ep 0x01");
        List<String> ep4 = titles(EPMAP_1_TO_4_AND_8, CRASHLOG_REQUEST, CRASH, "call start_ep 0x04");
        assertEquals(List.of("rtkit: start_ep(system ep) (CRASHED) returns 0 in the driver, -EINVAL in the model"), ep1);
        assertEquals(ep1, ep4);
    }

    /** An EPMAP after a refused HELLO, before and after the IOP reports itself on: the phase is not the cause. */
    @Test
    void anEpmapAfterARefusedHelloIsOneTitleInEveryPhase() throws Exception {
        List<String> rejected = titles(HELLO_REFUSED, EPMAP_1_TO_4_AND_8);
        List<String> running = titles("iop 0x00 0x0070000000000020", "iop 0x00 0x00b0000000000020", HELLO_REFUSED,
                EPMAP_1_TO_4_AND_8);
        assertEquals(List.of("rtkit: after EPMAP the driver sends EPMAP reply, the model does not"), rejected);
        assertEquals(rejected, running);
    }

    /** The STARTEPs after an EPMAP LAST are the case's endpoints: the title names the first message only. */
    @Test
    void anEpmapLastAfterARefusedHelloIsOneTitleWhateverItAnnounces() throws Exception {
        List<String> none = titles(HELLO_REFUSED, "iop 0x00 0x0088000100000003");
        List<String> five = titles(HELLO_REFUSED, "iop 0x00 0x008800000000011f");
        assertEquals(List.of("rtkit: after EPMAP LAST the driver sends EPMAP reply LAST, the model does not"), none);
        assertEquals(none, five);
    }

    /** A send to an undiscovered endpoint: the client's message, not what its random bits decode to. */
    @Test
    void aSendToAnUndiscoveredEndpointNamesTheClientsMessage() throws Exception {
        List<String> unknown = titles("call send 0x06 0x124997e0d3b4d586");
        List<String> looksLikeABuffer = titles("call send 0x02 0x0010200000000000");
        assertEquals(List.of("rtkit: after call send(system ep) the driver sends the client's message, the model does not"), unknown);
        assertEquals(unknown, looksLikeABuffer);
    }

    /**
     * A crash report the driver serves as a buffer request (its first request was refused): the
     * crashed callback is the difference, whether or not the driver's new request gets a reply.
     */
    @Test
    void aMissedCrashIsOneTitleWhetherOrNotTheDriverReplies() throws Exception {
        String refused = "iop 0x01 0x001013ffffffffff";   // IOVA != 0, no shmem ops: refused, no reply
        List<String> replies = titles(refused, "iop 0x01 0x0010400000000000");
        List<String> silent = titles(refused, "iop 0x01 0x0010000000001000");
        assertEquals(List.of("rtkit: after crashlog crash the model calls crashed, the driver does not"), replies);
        assertEquals(replies, silent);
    }

    /** A power ack nobody waits for by state is named without its state: on, off or unnamed, it decides nothing here. */
    @Test
    void powerAckStatesThatDecideNothingAreNotInTheTitle() throws Exception {
        // EPMAP LAST, then a repeated HELLO: the driver's boot goes on past the handshake, the model's waits.
        String last = "iop 0x00 0x0088000100000003";
        String hello = "iop 0x00 0x00100000000c000b";
        List<String> sleep = titles(last, hello, "call boot", "iop 0x00 0x0070000000000001");
        List<String> unnamed = titles(last, hello, "call boot", "iop 0x00 0x0070000000003879");
        List<String> init = titles(last, hello, "call boot", "iop 0x00 0x0070000000000220");
        assertEquals(List.of("rtkit: after IOP_PWR_ACK the driver sends AP_PWR ON, the model does not"), sleep);
        assertEquals(sleep, unnamed);
        assertEquals(sleep, init);
    }

    /** An ack a call waits for is named by whether it grants what was asked: that decides the call's return. */
    @Test
    void anAwaitedAckIsNamedByWhetherItIsWhatWasAsked() {
        ApModel m = new ApModel(RtkitOptions.defaults(), ClientOps.withoutShmemOps());
        ApState waiting = m.step(m.initial(), new ApCall.Quiesce()).state();
        assertEquals(" as asked", RtkitScoreboard.ackClass(CallStep.Side.AP, 0x10, waiting));
        assertEquals(" not as asked", RtkitScoreboard.ackClass(CallStep.Side.AP, 0x20, waiting));
        assertEquals("", RtkitScoreboard.ackClass(CallStep.Side.IOP, 0x10, waiting));
    }

    /** Leaked objects and leaked blocks come from two paths of the driver: a case with both gives both titles, not a third. */
    @Test
    void aCaseThatLeaksBothWaysGivesTheTwoLeakTitles() throws Exception {
        String init = "iop 0x02 0x00800000e0000008";
        String buffer = "iop 0x04 0x0010200000000000";
        assertEquals(List.of("rtkit: FREE leaks kmalloc objects", "rtkit: FREE leaks arena blocks"),
                titles(buffer, init, buffer, init));
        assertEquals(List.of("rtkit: FREE leaks kmalloc objects"), titles(init, init));
    }

    /** An agent crash is named by the input it crashed on: the same fault before and after the IOP crashed. */
    @Test
    void anAgentCrashIsOneTitleWhetherOrNotTheIopCrashed() throws Exception {
        String[] syslogFault = {"iop 0x02 0x0010100000000000", "iop 0x02 0x0080000000000001", "iop 0x02 0x0050000000000000"};
        List<String> fresh = titles(syslogFault);
        List<String> afterCrash = titles(EPMAP_1_TO_4_AND_8, CRASHLOG_REQUEST, CRASH, syslogFault[0], syslogFault[1], syslogFault[2]);
        assertEquals(List.of("rtkit: the agent crashes on syslog Log"), fresh);
        assertEquals(fresh, afterCrash);
    }

    /**
     * What decides the outcome stays in the title: a crashed AP is a regime of its own (§1.3: every
     * send fails), and the known divergence of power requests that cannot be sent matches on it.
     */
    @Test
    void theCrashedRegimeStaysInTheTitle() throws Exception {
        assertEquals(List.of("rtkit: quiesce (CRASHED) returns in the model, not in the driver"),
                titles(EPMAP_1_TO_4_AND_8, CRASHLOG_REQUEST, CRASH, "call quiesce"));
    }
}
