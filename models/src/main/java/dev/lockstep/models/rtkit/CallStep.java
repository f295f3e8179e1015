package dev.lockstep.models.rtkit;

/**
 * One step of a blocking call's sequence (fact sheet §1.4 step 6 and §1.5). A call is a list of
 * these; it runs until a wait is not yet satisfied, and resumes when a message satisfies it.
 */
public sealed interface CallStep
        permits CallStep.AwaitHandshake, CallStep.AwaitIopState, CallStep.RequestPower, CallStep.AwaitAck,
        CallStep.Reinit, CallStep.SetPowerStates {

    /** Which side's power state. */
    enum Side { IOP, AP }

    /** Wait for EPMAP LAST (or a refused HELLO, which fails the call with -EINVAL). */
    record AwaitHandshake() implements CallStep {
    }

    /** Wait for the IOP to report its power state (the unsolicited ack at boot), whatever it is. */
    record AwaitIopState() implements CallStep {
    }

    /** Forget any earlier ack from {@code side}, then ask it for {@code state}. */
    record RequestPower(Side side, int state) implements CallStep {
    }

    /** Wait for {@code side}'s ack; any state other than {@code expected} fails the call with -EINVAL. */
    record AwaitAck(Side side, int expected) implements CallStep {
    }

    /** Reinit, as the call of that name does. */
    record Reinit() implements CallStep {
    }

    /** Record both power states without asking anyone (quiesce's last step). */
    record SetPowerStates(int iop, int ap) implements CallStep {
    }
}
