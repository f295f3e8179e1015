package dev.lockstep.bench.rtkit;

import dev.lockstep.bench.engine.Divergence;
import dev.lockstep.bench.target.AgentTarget;
import dev.lockstep.bench.target.TargetFailure;
import dev.lockstep.models.rtkit.ApModel;
import dev.lockstep.reports.Category;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs one RTKit case from a fresh agent (RESET, INIT), step by step against the model, up to the
 * first divergence, then FREE; a crash or hang of the agent is a finding and the agent restarts.
 */
final class RtkitCaseRunner {
    /** The divergences of the case (empty: it agreed), how many steps ran, and messages both ways. */
    record Result(List<Divergence> divergences, int steps, long messages) {
    }

    private final AgentTarget target;
    private final ApModel model;
    private final RtkitCoverage coverage;
    long frames;

    RtkitCaseRunner(AgentTarget target, ApModel model, RtkitCoverage coverage) {
        this.target = target;
        this.model = model;
        this.coverage = coverage;
    }

    Result run(List<RtkitStep> steps) throws TargetFailure {
        RtkitSession session = new RtkitSession(target);
        RtkitScoreboard board = new RtkitScoreboard(model);
        RtkitTranscript transcript = new RtkitTranscript(board);
        int i = 0;
        long messages = 0;
        try {
            target.reset();
            session.init();
            for (; i < steps.size(); i++) {
                RtkitStep s = steps.get(i);
                String label = RtkitScoreboard.inputLabel(s, board.state());
                var before = board.state();
                var phase = before.phase();
                RtkitSession.Outcome o = session.apply(s);
                List<Divergence> d = board.judge(i, s, o);
                messages += o.sent().size() + (s instanceof RtkitStep.Fw ? 1 : 0);
                if (coverage != null) {
                    coverage.hit(label, phase, !board.lastStep().sent().isEmpty());
                }
                if (!d.isEmpty()) {
                    session.free();
                    List<Divergence> withTranscript = new ArrayList<>();
                    for (Divergence x : d) {
                        withTranscript.add(transcript.diverged(x, s, before, board.lastStep(), o));
                    }
                    return new Result(withTranscript, i + 1, messages);
                }
                transcript.agreed(s, before, o);
            }
            RtkitSession.Release release = session.free();
            List<Divergence> d = new ArrayList<>();
            for (Divergence x : board.release(steps.size(), release)) {
                d.add(transcript.atFree(x, release));
            }
            return new Result(d, steps.size(), messages);
        } catch (TargetFailure f) {
            if (f.kind() == TargetFailure.Kind.LINK) {
                throw f;
            }
            String label = i < steps.size() ? RtkitScoreboard.inputLabel(steps.get(i), board.state()) : "FREE";
            Category c = f.kind() == TargetFailure.Kind.CRASH ? Category.CRASH : Category.HANG;
            // Named by the input alone: where the driver faults is in its code, not in the model's phase.
            Divergence d = new Divergence("rtkit: the agent " + (c == Category.CRASH ? "crashes" : "hangs") + " on " + label, 5, c, i,
                    f.getMessage() + "\n(the model's phase: " + board.state().phase() + ")");
            d = transcript.agentFailed(d, i < steps.size() ? steps.get(i) : null, board.state(),
                    (c == Category.CRASH ? "crashes: " : "hangs: ") + String.valueOf(f.getMessage()).lines().findFirst().orElse(""));
            target.restart();
            return new Result(List.of(d), i + 1, messages);
        } finally {
            frames += session.frames();
        }
    }

    /** Titles only: what the shrinker and replay compare. */
    List<Divergence> divergences(List<RtkitStep> steps) throws TargetFailure {
        return new ArrayList<>(run(steps).divergences());
    }
}
