package dev.lockstep.models.rtkit;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a correct AP does in answer to one input: the messages it sends, in order, the callbacks
 * it makes into the client, in order, where the client's call stands, and the state it is left in.
 */
public record ApStep(ApState state, List<Message> sent, List<Callback> callbacks, CallStatus call, List<Note> notes) {

    public ApStep {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(call, "call");
        sent = List.copyOf(sent);
        callbacks = List.copyOf(callbacks);
        notes = List.copyOf(notes);
    }

    /** The code the client's call returned in this step, if one did. */
    public Optional<Integer> returned() {
        return call instanceof CallStatus.Returned r ? Optional.of(r.code()) : Optional.empty();
    }

    public boolean hasNote(Note.Kind kind) {
        return notes.stream().anyMatch(n -> n.kind() == kind);
    }
}
