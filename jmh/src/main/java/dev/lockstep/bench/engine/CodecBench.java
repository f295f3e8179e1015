package dev.lockstep.bench.engine;

import dev.lockstep.bench.link.Frame;
import dev.lockstep.bench.link.FrameCodec;
import dev.lockstep.bench.wire.BatchReply;
import dev.lockstep.bench.wire.Op;
import dev.lockstep.bench.wire.StepReply;
import dev.lockstep.bench.wire.WireCodec;
import dev.lockstep.bench.wire.WireFormatException;
import dev.lockstep.models.dart.DartConfig;
import dev.lockstep.models.dart.DartEncoding;
import dev.lockstep.models.dart.DartLayout;
import dev.lockstep.models.dart.DartOptions;
import dev.lockstep.models.dart.DartPte;
import dev.lockstep.models.iopgtable.ContractOptions;
import dev.lockstep.models.iopgtable.LpaeEncoding;
import dev.lockstep.models.iopgtable.Mapping;
import dev.lockstep.models.iopgtable.PgtableFormat;
import dev.lockstep.models.iopgtable.Prot;
import dev.lockstep.models.vmsa.Descriptor;
import dev.lockstep.models.vmsa.Granule;
import dev.lockstep.models.vmsa.WalkConfig;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Encoders and decoders: descriptors (VMSA decode, the depth-4 leaf prediction and field diff,
 * the DART leaf and its decode) and the wire (a 32-operation BATCH, its reply, a STEP reply with a
 * table delta, a frame through the codec).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecBench {
    WalkConfig walk;
    Mapping mapping;
    long leaf;
    DartLayout dart;
    List<Op> batch;
    byte[] batchReply;
    byte[] stepReply;
    byte[] frame;
    FrameCodec codec = new FrameCodec();
    ContractOptions options = ContractOptions.defaults();

    @Setup
    public void setUp() {
        walk = WalkConfig.stage1(Granule.G4K, 48, 48, Tables.BASE, WalkerBench.MAIR);
        mapping = new Mapping(0x12_3456_7000L, 0x9_0000_1000L, 0x4000, 0x1000, Prot.of(Prot.READ | Prot.WRITE | Prot.CACHE), false);
        leaf = LpaeEncoding.leaf(mapping, mapping.iova(), 3, walk, options).orElseThrow();
        dart = DartLayout.of(PgtableFormat.APPLE_DART).orElseThrow();
        batch = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            batch.add(i % 3 == 0 ? new Op.Map(0, 0x1000L * i, 0x9_0000_0000L + 0x1000L * i, 0x1000, 1, Prot.of(3))
                    : i % 3 == 1 ? new Op.Unmap(0, 0x1000L * i, 0x1000, 1) : new Op.IovaToPhys(0, 0x1000L * i));
        }
        ByteBuffer r = ByteBuffer.allocate(4 + 32 * 30 + 4 + 8).order(ByteOrder.LITTLE_ENDIAN);
        r.putInt(32);
        for (int i = 0; i < 32; i++) {
            r.put((byte) 3).put((byte) 0).putInt(0).putLong(0x1000).putLong(0).putShort((short) 0).putShort((short) 0)
                    .putShort((short) 1).putShort((short) 0);
        }
        r.putInt(0).putLong(12345);
        batchReply = r.array();
        // The same results, then a delta: one freed block, one fresh block, one run of 16 words written.
        ByteBuffer s = ByteBuffer.allocate(batchReply.length + 4 + 13 + 13 + 13 + 128 + 1).order(ByteOrder.LITTLE_ENDIAN);
        s.put(batchReply).putInt(3);
        s.put((byte) 1).putLong(Tables.BASE + 0x3000).putInt(4096);
        s.put((byte) 2).putLong(Tables.BASE + 0x4000).putInt(4096);
        s.put((byte) 3).putLong(Tables.BASE + 0x4000).putInt(128);
        for (int i = 0; i < 16; i++) {
            s.putLong(0x9_0000_0743L + 0x1000L * i);
        }
        s.put((byte) 0);
        stepReply = s.array();
        frame = FrameCodec.encode(new Frame(Frame.STEP_REPLY, 7, stepReply));
    }

    @Benchmark
    public Descriptor vmsaDecode() {
        return Descriptor.decode(leaf, 3, walk);
    }

    @Benchmark
    public OptionalLong vmsaLeafPrediction() {
        return LpaeEncoding.leaf(mapping, mapping.iova() + 0x1000, 3, walk, options);
    }

    @Benchmark
    public List<LpaeEncoding.FieldDiff> vmsaLeafDiff() {
        return LpaeEncoding.diff(leaf, leaf, 3, walk);
    }

    @Benchmark
    public long dartLeafPrediction() {
        return DartEncoding.leaf(mapping, mapping.iova(), dart, 4096, DartOptions.defaults());
    }

    @Benchmark
    public DartPte dartDecode() {
        return DartPte.decode(0x0000_0008_1234_5003L, DartConfig.LEAF_LEVEL, dart);
    }

    @Benchmark
    public byte[] batchEncode32() {
        return WireCodec.step(WireCodec.STEP_DELTA, 32, batch);
    }

    @Benchmark
    public BatchReply batchReplyDecode32() throws WireFormatException {
        return WireCodec.batchReply(batchReply, 32);
    }

    @Benchmark
    public StepReply stepReplyDecode32() throws WireFormatException {
        return WireCodec.stepReply(stepReply, WireCodec.STEP_DELTA, 32, Tables.BASE, Tables.ARENA);
    }

    /** A STEP_REPLY's frame through the receiving codec: its CRC checked, its payload taken out. */
    @Benchmark
    public Frame frameDecode() {
        codec.feed(frame, 0, frame.length);
        return codec.next();
    }

    @Benchmark
    public byte[] frameEncode() {
        return FrameCodec.encode(new Frame(Frame.STEP_REPLY, 7, stepReply));
    }
}
