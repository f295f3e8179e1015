package dev.lockstep.bench.rtkit;

import dev.lockstep.bench.target.AgentTarget;
import dev.lockstep.bench.target.TargetFailure;
import dev.lockstep.bench.wire.AgentEvent;
import dev.lockstep.bench.wire.WireFormatException;
import dev.lockstep.models.rtkit.ApCall;
import dev.lockstep.models.rtkit.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Driver and monitor of the real rtkit.c in the agent: INIT, then one RTKIT frame per case step
 * (inject + run the work queue + let the firmware read the FIFO; or a call on slot 0; or the clock
 * moving), and what the driver did in it: messages both ways, callbacks, call results and state.
 * The client has one thread, so every call uses slot 0, as the model's client does.
 */
public final class RtkitSession {
    /** INIT flags 0: no shmem ops (RTKit allocates DMA memory itself), no early receive, all ops present. */
    public static final int INIT_FLAGS = 0;
    private static final int SLOT = 0;

    private final AgentTarget target;
    private boolean slotBusy;
    private long frames;

    public RtkitSession(AgentTarget target) {
        this.target = target;
    }

    /** What the driver did during one step. */
    public record Outcome(List<Message> sent, List<Message> aborted, List<RtkitReply.Record> callbacks, List<Long> dmaAllocs,
                          Optional<Long> returned, boolean refused, boolean pending, boolean running, boolean crashed,
                          int injectStatus, List<AgentEvent> events) {
    }

    /** What FREE found: kmalloc objects and arena blocks still allocated, and the events of the teardown. */
    public record Release(long leakedObjects, long leakedBlocks, List<AgentEvent> events) {
    }

    public void init() throws TargetFailure {
        RtkitReply r = request(List.of(new RtkitOp.Init(INIT_FLAGS, "", 0, "")));
        if (r.results().get(0).status() != 0) {
            throw new TargetFailure(TargetFailure.Kind.LINK, 0, "RTKit INIT failed with " + r.results().get(0).status());
        }
        slotBusy = false;
    }

    public Outcome apply(RtkitStep step) throws TargetFailure {
        List<RtkitOp> ops = new ArrayList<>();
        boolean refused = false;
        if (step instanceof RtkitStep.Fw f) {
            ops.add(new RtkitOp.Inject(f.message().msg0(), f.message().msg1()));
            ops.add(new RtkitOp.Step(0));
        } else if (step instanceof RtkitStep.Advance a) {
            ops.add(new RtkitOp.Advance(a.ms()));
            ops.add(new RtkitOp.Step(0));
        } else {
            ApCall c = ((RtkitStep.Call) step).call();
            if (slotBusy) {
                refused = true; // the client's thread is blocked: the call cannot be made
            } else {
                ops.add(callOp(c));
            }
        }
        ops.add(new RtkitOp.Drain(0));
        ops.add(new RtkitOp.State());
        RtkitReply r = request(ops);
        List<Message> sent = new ArrayList<>();
        List<Message> aborted = new ArrayList<>();
        List<RtkitReply.Record> callbacks = new ArrayList<>();
        List<Long> dma = new ArrayList<>();
        Optional<Long> returned = Optional.empty();
        for (RtkitReply.Record rec : r.records()) {
            switch (rec.kind()) {
                case TX -> sent.add(new Message(rec.a(), rec.ep()));
                case TX_ABORTED -> aborted.add(new Message(rec.a(), rec.ep()));
                case CALL_DONE -> returned = Optional.of(rec.a());
                case DMA_ALLOC -> dma.add(rec.b());
                case DMA_FREE -> { }
                default -> callbacks.add(rec);
            }
        }
        RtkitReply.Result first = r.results().get(0);
        if (first.opcode() == RtkitOp.CALL && first.status() == 0) {
            returned = Optional.of(first.v0());
        }
        RtkitReply.Result state = r.results().get(r.results().size() - 1);
        int slot = (int) (state.v0() >>> 8) & 3;
        if (slot == 2) {
            collect();
        }
        slotBusy = slot == 1;
        int inject = first.opcode() == RtkitOp.INJECT ? first.status() : 0;
        List<AgentEvent> events = new ArrayList<>(r.events());
        return new Outcome(sent, aborted, callbacks, dma, returned, refused, slotBusy, (state.v0() & 1) != 0,
                (state.v0() & 2) != 0, inject, events);
    }

    /** Lets a waiting call time out, then FREE: what is left allocated is a leak. */
    public Release free() throws TargetFailure {
        List<AgentEvent> events = new ArrayList<>();
        for (int i = 0; i < 8 && slotBusy; i++) {
            Outcome o = apply(new RtkitStep.Advance(RtkitStep.WAIT_MS));
            events.addAll(o.events());
        }
        if (slotBusy) {
            throw new TargetFailure(TargetFailure.Kind.HANG, -1, "an RTKit call still waits after 8 s of virtual time");
        }
        RtkitReply r = request(List.of(new RtkitOp.Free()));
        events.addAll(r.events());
        return new Release(r.results().get(0).v0(), r.results().get(0).v1(), events);
    }

    public long frames() {
        return frames;
    }

    private void collect() throws TargetFailure {
        request(List.of(new RtkitOp.Collect(SLOT)));
    }

    static RtkitOp callOp(ApCall c) {
        int fn;
        int ep = 0;
        long msg = 0;
        if (c instanceof ApCall.Boot) {
            fn = 1;
        } else if (c instanceof ApCall.Wake) {
            fn = 2;
        } else if (c instanceof ApCall.Quiesce) {
            fn = 3;
        } else if (c instanceof ApCall.Shutdown) {
            fn = 4;
        } else if (c instanceof ApCall.Reinit) {
            fn = 5;
        } else if (c instanceof ApCall.StartEp s) {
            fn = 6;
            ep = s.endpoint();
        } else {
            ApCall.Send s = (ApCall.Send) c;
            fn = 7;
            ep = s.endpoint();
            msg = s.msg0();
        }
        return new RtkitOp.Call(SLOT, fn, ep, msg, 0, false);
    }

    /** One RTKIT frame; a bench error or a reply that does not fit the request is a bench bug, not a finding. */
    RtkitReply request(List<RtkitOp> ops) throws TargetFailure {
        frames++;
        RtkitReply r;
        try {
            r = RtkitWire.decode(target.request(RtkitWire.RTKIT, RtkitWire.encode(ops), RtkitWire.RTKIT_REPLY));
        } catch (WireFormatException e) {
            throw new TargetFailure(TargetFailure.Kind.LINK, -1, e.getMessage());
        }
        if (r.results().size() != ops.size()) {
            throw new TargetFailure(TargetFailure.Kind.LINK, -1, "RTKIT_REPLY has " + r.results().size() + " results for "
                    + ops.size() + " operations");
        }
        for (int i = 0; i < ops.size(); i++) {
            RtkitReply.Result res = r.results().get(i);
            if (res.opcode() != ops.get(i).opcode()) {
                throw new TargetFailure(TargetFailure.Kind.LINK, i, "RTKIT_REPLY result " + i + " echoes opcode " + res.opcode());
            }
            if (res.status() == RtkitReply.BENCH_ERROR) {
                throw new IllegalStateException("bench error: the agent refused " + ops.get(i));
            }
        }
        return r;
    }
}
