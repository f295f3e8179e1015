package dev.lockstep.models.rtkit;

/**
 * A call the client makes into RTKit (kernel-harness.md: apple_rtkit_boot, _wake, _quiesce,
 * _shutdown, _reinit, _start_ep, _send_message). Calls come from one client thread: a call made
 * while another waits is refused by the model, not queued.
 */
public sealed interface ApCall extends ApInput
        permits ApCall.Boot, ApCall.Wake, ApCall.Quiesce, ApCall.Shutdown, ApCall.Reinit, ApCall.StartEp,
        ApCall.Send {

    /** Finish the boot the IOP started: wait for the handshake and the IOP's power state, then power the AP on. */
    record Boot() implements ApCall {
        @Override
        public String toString() {
            return "boot()";
        }
    }

    /** Ask a quiesced or sleeping IOP to power on, then boot. */
    record Wake() implements ApCall {
        @Override
        public String toString() {
            return "wake()";
        }
    }

    /** AP and IOP to QUIESCED, then reinit; both states read QUIESCED afterwards. */
    record Quiesce() implements ApCall {
        @Override
        public String toString() {
            return "quiesce()";
        }
    }

    /** AP to QUIESCED, IOP to SLEEP, then reinit. */
    record Shutdown() implements ApCall {
        @Override
        public String toString() {
            return "shutdown()";
        }
    }

    /** Forget everything the IOP said: buffers freed, endpoints cleared, crash cleared, both states OFF. */
    record Reinit() implements ApCall {
        @Override
        public String toString() {
            return "reinit()";
        }
    }

    /** Start an endpoint the EPMAP announced. */
    record StartEp(int endpoint) implements ApCall {
        public StartEp {
            if (endpoint < 0 || endpoint > 0xff) {
                throw new IllegalArgumentException("endpoints are 0..255: " + endpoint);
            }
        }

        @Override
        public String toString() {
            return String.format("start_ep(0x%x)", endpoint);
        }
    }

    /** Send {@code msg0} to {@code endpoint}. */
    record Send(int endpoint, long msg0) implements ApCall {
        public Send {
            if (endpoint < 0 || endpoint > 0xff) {
                throw new IllegalArgumentException("endpoints are 0..255: " + endpoint);
            }
        }

        @Override
        public String toString() {
            return String.format("send_message(0x%x, 0x%x)", endpoint, msg0);
        }
    }
}
