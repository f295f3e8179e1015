package dev.lockstep.bench.host;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.bench.engine.TableMirror;
import dev.lockstep.bench.link.ByteLink;
import dev.lockstep.bench.link.Frame;
import dev.lockstep.bench.link.FrameCodec;
import dev.lockstep.bench.target.AgentTarget;
import dev.lockstep.bench.target.HostAgentProcess;
import dev.lockstep.bench.target.TargetFailure;
import dev.lockstep.bench.wire.AgentInfo;
import dev.lockstep.bench.wire.BareReply;
import dev.lockstep.bench.wire.BatchReply;
import dev.lockstep.bench.engine.Generator;
import dev.lockstep.bench.wire.Op;
import dev.lockstep.bench.wire.OpResult;
import dev.lockstep.bench.wire.StepReply;
import dev.lockstep.bench.wire.TableDelta;
import dev.lockstep.bench.wire.WireCodec;
import dev.lockstep.models.iopgtable.ContractOptions;
import dev.lockstep.models.iopgtable.IoPgtableModel;
import dev.lockstep.models.iopgtable.PgtableConfig;
import dev.lockstep.models.iopgtable.PgtableFormat;
import dev.lockstep.models.iopgtable.Prot;
import dev.lockstep.models.vmsa.Granule;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's STEP, BARE and request ordering (docs/protocol.md): a table delta of only the words
 * that changed rebuilds exactly the memory whole-block syncs show; a request arriving after a lost
 * one waits for it, and a retransmitted one is answered from its copy; BARE runs the cases and
 * leaves the agent reset.
 */
class StepProtocolTest {
    @TempDir
    Path dir;

    private static final PgtableConfig CFG = new PgtableConfig(PgtableFormat.ARM_64_LPAE_S1, Granule.G4K, 48, 48, 0, true);

    /** Keeps the generator's model where the driver's tables go, so the next batch collides with them. */
    private static void follow(IoPgtableModel model, Op op) {
        if (op instanceof Op.Map m) {
            model.map(m.iova(), m.paddr(), m.pgsize(), m.pgcount(), m.prot());
        } else if (op instanceof Op.Unmap u) {
            model.unmap(u.iova(), u.pgsize(), u.pgcount());
        }
    }

    private static TableMirror mirror(AgentTarget t) {
        return new TableMirror(t.info().arenaBase(), t.info().arenaSize(), t.info().pageSize());
    }

    @Test
    void aStepsDeltaRebuildsTheSameMemoryAsWholeBlocks() throws Exception {
        try (AgentTarget stepped = (AgentTarget) HostAgents.open(dir.resolve("a"), HostAgentProcess.Mode.PTY);
             AgentTarget synced = (AgentTarget) HostAgents.open(dir.resolve("b"), HostAgentProcess.Mode.STDIO)) {
            TableMirror a = mirror(stepped);
            TableMirror b = mirror(synced);
            Generator gen = new Generator(CFG, new SplittableRandom(3), 0.0);
            IoPgtableModel model = new IoPgtableModel(CFG, ContractOptions.defaults());
            List<Op> batch = new ArrayList<>(List.of(gen.alloc()));
            synced.reset();
            long writtenBytes = 0;
            for (int round = 0; round < 40; round++) {
                batch.addAll(gen.batch(model, 32));
                for (Op op : batch) {
                    follow(model, op);
                }
                boolean last = round == 39;
                if (last) {
                    batch.add(new Op.Free(0));
                }
                // The last step reads the tables before its FREE (DELTA_AT).
                StepReply r = stepped.step(round == 0, batch, last ? batch.size() - 1 : batch.size(), true);
                a.apply(r.delta());
                writtenBytes += r.delta().writtenBytes();
                BatchReply whole = synced.execute(last ? batch.subList(0, batch.size() - 1) : batch);
                b.apply(TableDelta.of(synced.syncMemory()));
                assertEquals(whole.results(), r.batch().results().subList(0, whole.results().size()), "round " + round);
                assertEquals(-1, a.firstDifference(b), "round " + round + ": the delta and the whole blocks disagree at 0x"
                        + Long.toHexString(a.firstDifference(b)));
                assertTrue(r.coverage() != null && r.leaks() == (round == 0 ? 0 : -1), "round " + round);
                batch = new ArrayList<>();
            }
            assertTrue(a.blockCount() > 3, "the tables never grew: " + a.blockCount() + " blocks");
            // Words, not blocks: far less than the blocks the tables fill.
            assertTrue(writtenBytes < 40L * a.blockCount() * 4096, writtenBytes + " bytes for " + a.blockCount() + " blocks");
        }
    }

    /**
     * COMPACT replies (capability bit 7) carry the same results and events as full BATCH replies:
     * a WARN's text is sent once per session and named by its number after that, across replies.
     */
    @Test
    void compactRepliesCarryTheSameResultsAndEvents() throws Exception {
        Op map = new Op.Map(0, 0x40000000L, 0x80000000L, 4096, 1, Prot.of(Prot.READ | Prot.WRITE));
        try (AgentTarget stepped = (AgentTarget) HostAgents.open(dir.resolve("c"), HostAgentProcess.Mode.PTY);
             AgentTarget whole = (AgentTarget) HostAgents.open(dir.resolve("d"), HostAgentProcess.Mode.STDIO)) {
            assertTrue((stepped.info().capabilities() & (1 << 7)) != 0, "the agent does not offer COMPACT");
            Generator gen = new Generator(CFG, new SplittableRandom(1), 0.0);
            whole.reset();
            // Mapping the same page again fails with a WARN: the first reply defines its text, the next names it.
            List<List<Op>> steps = List.of(List.of(gen.alloc(), map, map), List.of(map, map, new Op.Free(0)));
            int warns = 0;
            for (int i = 0; i < steps.size(); i++) {
                StepReply r = stepped.step(i == 0, steps.get(i), steps.get(i).size(), false);
                BatchReply w = whole.execute(steps.get(i));
                assertEquals(w.results(), r.batch().results(), "step " + i);
                assertEquals(w.events(), r.batch().events(), "step " + i);
                warns += (int) r.batch().events().stream().filter(e -> e.kind() == dev.lockstep.bench.wire.AgentEvent.Kind.WARN).count();
            }
            assertTrue(warns >= 3, "expected a WARN for every map over the mapped page, got " + warns);
            // More events than a reply keeps: both forms end with the same count of the dropped ones.
            List<Op> many = new ArrayList<>(List.of(gen.alloc()));
            for (int i = 0; i < 4200; i++) {
                many.add(map);
            }
            many.add(new Op.Free(0));
            StepReply r = stepped.step(false, many, many.size(), false);
            BatchReply w = whole.execute(many);
            assertEquals(w.events(), r.batch().events());
            String last = r.batch().events().get(r.batch().events().size() - 1).text();
            assertTrue(last.matches("lockstep: [0-9]+ more event\\(s\\) dropped"), last);
        }
    }

    /**
     * Two tables on two handles, their steps interleaved as cases side by side send them: each
     * step's delta compares only the blocks of the handles it names, and still the bench's copy is
     * the agent's memory after every step.
     */
    @Test
    void interleavedHandlesDeltasStillRebuildTheWholeMemory() throws Exception {
        try (AgentTarget stepped = (AgentTarget) HostAgents.open(dir.resolve("a"), HostAgentProcess.Mode.PTY);
             AgentTarget synced = (AgentTarget) HostAgents.open(dir.resolve("b"), HostAgentProcess.Mode.STDIO)) {
            TableMirror a = mirror(stepped);
            TableMirror b = mirror(synced);
            Generator[] gens = {new Generator(CFG, new SplittableRandom(5), 0.0), new Generator(CFG, new SplittableRandom(6), 0.0)};
            IoPgtableModel[] models = {new IoPgtableModel(CFG, ContractOptions.defaults()), new IoPgtableModel(CFG, ContractOptions.defaults())};
            synced.reset();
            for (int round = 0; round < 60; round++) {
                int h = round % 2;
                List<Op> batch = new ArrayList<>();
                if (round < 2) {
                    batch.add(gens[h].alloc().onHandle(h));
                }
                for (Op op : gens[h].batch(models[h], 16)) {
                    follow(models[h], op);
                    batch.add(op.onHandle(h));
                }
                StepReply r = stepped.step(round == 0, batch, batch.size(), false);
                a.apply(r.delta());
                synced.execute(batch);
                b.apply(TableDelta.of(synced.syncMemory()));
                assertEquals(-1, a.firstDifference(b), "round " + round + ": the scoped delta missed a change at 0x"
                        + Long.toHexString(a.firstDifference(b)));
            }
            assertTrue(a.blockCount() > 4, "the tables never grew: " + a.blockCount() + " blocks");
        }
    }

    /** One request frame on a raw line, its reply read back (whatever comes first). */
    private static final class RawLine {
        final ByteLink link;
        final FrameCodec codec = new FrameCodec();

        RawLine(ByteLink link) {
            this.link = link;
        }

        void send(int type, int seq, byte[] payload) throws Exception {
            byte[] w = FrameCodec.encode(new Frame(type, seq, payload));
            link.write(w, 0, w.length);
        }

        Frame next() throws Exception {
            byte[] buf = new byte[1 << 16];
            long end = System.nanoTime() + 5_000_000_000L;
            Frame f;
            while ((f = codec.next()) == null) {
                assertTrue(System.nanoTime() < end, "no reply within 5 s");
                int n = link.read(buf, 0, buf.length, 100);
                if (n > 0) {
                    codec.feed(buf, 0, n);
                }
            }
            return f;
        }
    }

    private static byte[] batch(Op... ops) {
        return WireCodec.batch(List.of(ops));
    }

    @Test
    void requestsRunInOrderAndARetransmissionIsAnsweredFromItsCopy() throws Exception {
        HostAgentProcess process = new HostAgentProcess(HostAgents.binary(), HostAgentProcess.Mode.PTY, dir.resolve("agent.log"));
        try {
            RawLine line = new RawLine(process.start());
            line.send(Frame.HELLO, 1, WireCodec.hello(FrameCodec.VERSION));
            assertEquals(Frame.HELLO_REPLY, line.next().type());
            Op.Alloc alloc = new Generator(CFG, new SplittableRandom(1), 0).alloc();
            Op.Map map = new Op.Map(0, 0x4000_0000L, 0x1_2345_6000L, 0x1000, 1, Prot.of(Prot.READ | Prot.WRITE));
            line.send(Frame.BATCH, 2, batch(alloc));
            assertEquals(2, line.next().seq());
            // #4 before #3: #3 was lost on the way, so #4 must not run yet.
            line.send(Frame.BATCH, 4, batch(new Op.IovaToPhys(0, 0x4000_0000L)));
            Frame nak = line.next();
            assertEquals(Frame.NAK, nak.type());
            assertEquals(0, nak.seq());
            line.send(Frame.BATCH, 3, batch(map));
            Frame mapped = line.next();
            assertEquals(3, mapped.seq());
            line.send(Frame.BATCH, 4, batch(new Op.IovaToPhys(0, 0x4000_0000L)));
            Frame queried = line.next();
            assertEquals(4, queried.seq());
            assertEquals(0x1_2345_6000L, WireCodec.batchReply(queried.payload(), 1).results().get(0).value(),
                    "#4 ran before the map it depends on");
            // #3 again (its reply was lost, say): the copy, not a second map (which would be -EEXIST).
            line.send(Frame.BATCH, 3, batch(map));
            Frame again = line.next();
            assertEquals(3, again.seq());
            assertArrayEquals(mapped.payload(), again.payload());
            assertEquals(0, WireCodec.batchReply(again.payload(), 1).results().get(0).status());
        } finally {
            process.stop();
        }
    }

    @Test
    void bareRunsTheCasesInTheAgentAndLeavesItReset() throws Exception {
        try (AgentTarget t = (AgentTarget) HostAgents.open(dir.resolve("bare"), HostAgentProcess.Mode.PTY)) {
            Generator gen = new Generator(CFG, new SplittableRandom(5), 0.0);
            List<List<Op>> cases = new ArrayList<>();
            int ops = 0;
            int maps = 0;
            for (int c = 0; c < 3; c++) {
                IoPgtableModel model = new IoPgtableModel(CFG, ContractOptions.defaults());
                List<Op> ops1 = new ArrayList<>(List.of(gen.alloc()));
                ops1.addAll(gen.batch(model, 50));
                ops1.add(new Op.Free(0));
                cases.add(ops1);
                ops += ops1.size();
                maps += (int) ops1.stream().filter(o -> o instanceof Op.Map).count();
            }
            BareReply r = t.bare(2, true, cases);
            assertEquals(ops, r.operations());
            assertEquals(2, r.passNanos().length);
            assertTrue(r.bestNanos() > 0 && r.bestNanos() < 1_000_000_000L, "best pass " + r.bestNanos() + " ns");
            assertEquals(maps, r.latency().get("map").count(), "the latency pass times every map once");
            assertEquals(3, r.latency().get("alloc").count());
            assertTrue(r.latency().get("map").percentileNanos(50) > 0);
            // Reset afterwards: handle 0 is free again, and nothing is allocated.
            assertEquals(0, t.reset());
            TargetFailure bad = null;
            try {
                t.bare(0, false, cases);
            } catch (TargetFailure f) {
                bad = f;
            }
            assertTrue(bad != null && bad.getMessage().contains("repeats must be 1 to 16"), String.valueOf(bad));
        }
    }

    @Test
    void aStepOfAnUnknownFlagIsRefusedWhole() throws Exception {
        HostAgentProcess process = new HostAgentProcess(HostAgents.binary(), HostAgentProcess.Mode.STDIO, dir.resolve("agent.log"));
        try {
            RawLine line = new RawLine(process.start());
            line.send(Frame.HELLO, 1, WireCodec.hello(FrameCodec.VERSION));
            line.next();
            byte[] step = WireCodec.step(1 << 7, 0, List.of(new Op.IovaToPhys(0, 0)));
            line.send(Frame.STEP, 2, step);
            Frame nak = line.next();
            assertEquals(Frame.NAK, nak.type());
            assertEquals(2, nak.seq());
            ByteBuffer b = ByteBuffer.wrap(nak.payload()).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(3, b.getInt(), "NAK code: malformed");
        } finally {
            process.stop();
        }
    }

    /**
     * The pages of one map step evenly, so an agent allowed STRIDE records sends them as one record:
     * the same memory in the bench's mirror, in a fraction of the bytes.
     */
    @Test
    void strideRecordsCarryTheSameMemoryInFewerBytes() throws Exception {
        List<Op> ops = List.of(new Generator(CFG, new SplittableRandom(1), 0.0).alloc(), new Op.Map(0, 0x40000000L, 0x80000000L, 4096, 512, Prot.of(Prot.READ | Prot.WRITE)));
        int[] sizes = new int[2];
        TableMirror[] mirrors = new TableMirror[2];
        for (int strides = 0; strides < 2; strides++) {
            HostAgentProcess process = new HostAgentProcess(HostAgents.binary(), HostAgentProcess.Mode.STDIO, dir.resolve("agent" + strides + ".log"));
            try {
                RawLine line = new RawLine(process.start());
                line.send(Frame.HELLO, 1, WireCodec.hello(FrameCodec.VERSION));
                AgentInfo info = WireCodec.helloReply(line.next().payload());
                assertTrue((info.capabilities() & (1 << 5)) != 0, "the agent does not offer STRIDE records");
                int flags = WireCodec.STEP_RESET | WireCodec.STEP_DELTA | (strides == 1 ? WireCodec.STEP_STRIDES : 0);
                line.send(Frame.STEP, 2, WireCodec.step(flags, 0, ops));
                Frame reply = line.next();
                assertEquals(Frame.STEP_REPLY, reply.type());
                sizes[strides] = reply.payload().length;
                StepReply r = WireCodec.stepReply(reply.payload(), flags, ops.size(), info.arenaBase(), info.arenaSize());
                assertEquals(List.of(0L, 512L * 4096), r.batch().results().stream().map(x -> x.status() == 0 ? x.value() : -1L).toList());
                mirrors[strides] = new TableMirror(info.arenaBase(), info.arenaSize(), info.pageSize());
                mirrors[strides].apply(r.delta());
            } finally {
                process.stop();
            }
        }
        assertEquals(-1, mirrors[1].firstDifference(mirrors[0]), "the strided delta builds other memory");
        assertTrue(mirrors[1].blockCount() >= 3, "no tables: " + mirrors[1].blockCount());
        assertTrue(sizes[1] * 4 < sizes[0], "strided reply " + sizes[1] + " bytes, plain " + sizes[0]);
    }

    /**
     * With expectations, the agent stops at the first answer that is not the expected one: the
     * operations after it are answered NOT_RUN without reaching the driver, except a FREE, which
     * runs so that the handle ends as the bench believes.
     */
    @Test
    void aStepWithExpectationsStopsAtTheFirstUnexpectedAnswerButStillFrees() throws Exception {
        HostAgentProcess process = new HostAgentProcess(HostAgents.binary(), HostAgentProcess.Mode.STDIO, dir.resolve("agent.log"));
        try {
            RawLine line = new RawLine(process.start());
            line.send(Frame.HELLO, 1, WireCodec.hello(FrameCodec.VERSION));
            AgentInfo info = WireCodec.helloReply(line.next().payload());
            assertTrue((info.capabilities() & (1 << 6)) != 0, "the agent does not take expectations");
            Prot rw = Prot.of(Prot.READ | Prot.WRITE);
            List<Op> ops = List.of(new Generator(CFG, new SplittableRandom(1), 0.0).alloc(),
                    new Op.Map(0, 0x40000000L, 0x80000000L, 4096, 1, rw),
                    new Op.Map(0, 0x40000000L, 0x80000000L, 4096, 1, rw),      // -EEXIST, expected 0: the step halts here
                    new Op.Map(0, 0x40001000L, 0x80001000L, 4096, 1, rw),
                    new Op.IovaToPhys(0, 0x40000000L),
                    new Op.Free(0));
            int u = WireCodec.UNCHECKED;
            int[] status = {u, 0, 0, 0, 0, u};
            long[] value = {0, 4096, 4096, 4096, 0x80000000L, 0};
            int flags = WireCodec.STEP_RESET | WireCodec.STEP_EXPECT;
            line.send(Frame.STEP, 2, WireCodec.step(flags, 0, ops, status, value));
            StepReply r = WireCodec.stepReply(line.next().payload(), flags, ops.size(), info.arenaBase(), info.arenaSize());
            List<OpResult> res = r.batch().results();
            assertEquals(List.of(true, true, true, false, false, true), res.stream().map(OpResult::ran).toList());
            assertEquals(0, res.get(1).status());
            assertTrue(res.get(2).status() < 0, "the second map of the same page: " + res.get(2));
            assertEquals(0, res.get(5).status(), "the FREE ran");
            // The handle is free again: a new ALLOC on it is accepted.
            List<Op> again = List.of(ops.get(0), new Op.Free(0));
            line.send(Frame.STEP, 3, WireCodec.step(0, 0, again));
            StepReply r2 = WireCodec.stepReply(line.next().payload(), 0, again.size(), info.arenaBase(), info.arenaSize());
            assertEquals(0, r2.batch().results().get(0).status(), "ALLOC after the halted step's FREE: " + r2.batch().results());
            // Without expectations nothing is skipped.
            line.send(Frame.STEP, 4, WireCodec.step(WireCodec.STEP_RESET, 0, ops));
            StepReply r3 = WireCodec.stepReply(line.next().payload(), WireCodec.STEP_RESET, ops.size(), info.arenaBase(), info.arenaSize());
            assertTrue(r3.batch().results().stream().allMatch(OpResult::ran));
        } finally {
            process.stop();
        }
    }
}
