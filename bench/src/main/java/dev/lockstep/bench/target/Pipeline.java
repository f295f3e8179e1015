package dev.lockstep.bench.target;

import dev.lockstep.bench.wire.Op;
import dev.lockstep.bench.wire.StepReply;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Submit and collect for targets that take one step at a time: each step runs when submitted and
 * its answer (or its failure) waits for the collect. Kept per target, outside it, so that a target
 * needs nothing to be driven by a pipelined session.
 */
final class Pipeline {
    private static final Map<Target, Pipeline> OF = new WeakHashMap<>();
    private final Target target;
    private final ArrayDeque<Object> answers = new ArrayDeque<>();

    private Pipeline(Target target) {
        this.target = target;
    }

    static synchronized Pipeline of(Target t) {
        return OF.computeIfAbsent(t, Pipeline::new);
    }

    void submit(boolean reset, List<Op> ops, int deltaAfter, boolean coverage) {
        try {
            answers.addLast(target.step(reset, ops, deltaAfter, coverage));
        } catch (TargetFailure f) {
            answers.addLast(f);
        }
    }

    StepReply collect() throws TargetFailure {
        Object a = answers.pollFirst();
        if (a == null) {
            throw new IllegalStateException("collect with no step in flight");
        }
        if (a instanceof TargetFailure f) {
            // A failed step takes the ones after it: the target was restarted or the link is gone.
            answers.clear();
            throw f;
        }
        return (StepReply) a;
    }

    int size() {
        return answers.size();
    }
}
