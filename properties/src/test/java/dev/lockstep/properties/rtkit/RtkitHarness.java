package dev.lockstep.properties.rtkit;

import dev.lockstep.models.rtkit.ApCall;
import dev.lockstep.models.rtkit.ApInput;
import dev.lockstep.models.rtkit.ApModel;
import dev.lockstep.models.rtkit.ApState;
import dev.lockstep.models.rtkit.ApStep;
import dev.lockstep.models.rtkit.ClientOps;
import dev.lockstep.models.rtkit.FirmwareDescription;
import dev.lockstep.models.rtkit.FirmwareModel;
import dev.lockstep.models.rtkit.RtkitCodec;
import dev.lockstep.models.rtkit.RtkitOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * The state an ActionChain carries for the RTKit state laws: one AP model under fixed options, its
 * current state, and every step taken with the state it started from.
 */
final class RtkitHarness {

    /** One step and the state it was taken from. */
    record Taken(ApState before, ApInput input, ApStep step) {
    }

    final ApModel model;
    final FirmwareModel firmware;
    ApState state;
    final List<Taken> log = new ArrayList<>();

    RtkitHarness(RtkitOptions options, ClientOps client) {
        this.model = new ApModel(options, client);
        this.firmware = new FirmwareModel(FirmwareDescription.typical(options.layout()));
        this.state = model.initial();
    }

    ApStep feed(ApInput in) {
        ApStep s = model.step(state, in);
        log.add(new Taken(state, in, s));
        state = s.state();
        return s;
    }

    void feedAll(List<? extends ApInput> ins) {
        ins.forEach(this::feed);
    }

    /** A label for an input, for statistics: the message kind or the call's name. */
    String kind(ApInput in) {
        if (in instanceof ApInput.Received r) {
            String k = RtkitCodec.kind(r.message(), model.options().layout());
            return k.startsWith("sys 0x") || k.startsWith("tracekit") ? "system endpoint without protocol" : k;
        }
        if (in instanceof ApInput.Timeout) {
            return "timeout";
        }
        return ((ApCall) in).getClass().getSimpleName().toLowerCase() + "()";
    }

    @Override
    public String toString() {
        return "harness at " + state.phase() + " after " + log.size() + " steps";
    }
}
