package dev.lockstep.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.lockstep.bench.link.Frame;
import dev.lockstep.bench.link.FrameCodec;
import dev.lockstep.bench.wire.WireCodec;
import dev.lockstep.bench.wire.WireFormatException;

/**
 * Whatever bytes arrive on the line, the bench's decoders either decode them or say
 * WireFormatException: no other exception, no hang. Regression inputs live beside this class in
 * src/test/resources and replay in every test run.
 */
class WireDecoderFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void frameStreamNeverThrows(byte[] data) {
        FrameCodec c = new FrameCodec();
        int half = data.length / 2;
        c.feed(data, 0, half);
        for (Frame f : c.frames()) {
            decode(f);
        }
        c.feed(data, half, data.length - half);
        for (Frame f : c.frames()) {
            decode(f);
        }
    }

    @FuzzTest(maxDuration = "30s")
    void payloadDecodersRejectCleanly(byte[] payload) {
        decode(new Frame(Frame.BATCH_REPLY, 1, payload));
        decode(new Frame(Frame.MEM_SYNC_REPLY, 1, payload));
        decode(new Frame(Frame.HELLO_REPLY, 1, payload));
        decode(new Frame(Frame.STEP_REPLY, 1, payload));
        decode(new Frame(Frame.BARE_REPLY, 1, payload));
    }

    private static void decode(Frame f) {
        try {
            switch (f.type()) {
                case Frame.HELLO_REPLY -> WireCodec.helloReply(f.payload());
                case Frame.BATCH_REPLY -> WireCodec.batchReply(f.payload(), f.payload().length > 0 ? f.payload()[0] & 0xff : 0);
                case Frame.MEM_SYNC_REPLY -> WireCodec.memSyncReply(f.payload());
                case Frame.RESET_REPLY -> WireCodec.resetReply(f.payload());
                // Every flag combination, and a table delta checked against an arena of 64 MiB.
                case Frame.STEP_REPLY -> WireCodec.stepReply(f.payload(), f.payload().length > 0 ? f.payload()[0] & 7 : 0,
                        f.payload().length > 1 ? f.payload()[1] & 0xff : 0, 0x8_0000_0000L, 64L << 20);
                case Frame.BARE_REPLY -> WireCodec.bareReply(f.payload());
                default -> { }
            }
        } catch (WireFormatException expected) {
            // Rejecting malformed input with a clear message is the correct outcome.
        }
    }
}
