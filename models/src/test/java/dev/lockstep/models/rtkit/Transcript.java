package dev.lockstep.models.rtkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

/** Test support: drives an ApModel through inputs and keeps every step, so a test can read the transcript. */
final class Transcript {
    final ApModel model;
    ApState state;
    final List<ApStep> steps = new ArrayList<>();

    Transcript(ApModel model) {
        this.model = model;
        this.state = model.initial();
    }

    static Transcript of(ApModel model) {
        return new Transcript(model);
    }

    ApStep feed(ApInput in) {
        ApStep s = model.step(state, in);
        steps.add(s);
        state = s.state();
        return s;
    }

    ApStep feed(Message m) {
        return feed(ApInput.received(m));
    }

    ApStep feed(RtkitMessage m) {
        return feed(ApInput.received(m));
    }

    List<ApStep> feedAll(List<? extends ApInput> ins) {
        List<ApStep> out = new ArrayList<>();
        for (ApInput in : ins) {
            out.add(feed(in));
        }
        return out;
    }

    /** Every message the AP sent, in order. */
    List<Message> sent() {
        List<Message> out = new ArrayList<>();
        steps.forEach(s -> out.addAll(s.sent()));
        return out;
    }

    List<Callback> callbacks() {
        List<Callback> out = new ArrayList<>();
        steps.forEach(s -> out.addAll(s.callbacks()));
        return out;
    }

    List<Integer> returns() {
        List<Integer> out = new ArrayList<>();
        steps.forEach(s -> s.returned().ifPresent(out::add));
        return out;
    }

    boolean noted(Note.Kind kind) {
        return steps.stream().anyMatch(s -> s.hasNote(kind));
    }

    static void assertSent(ApStep step, RtkitMessage... expected) {
        List<Message> want = new ArrayList<>();
        for (RtkitMessage m : expected) {
            want.add(m.encode());
        }
        assertEquals(want, step.sent());
    }
}
