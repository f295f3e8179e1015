package dev.lockstep.models.rtkit;

import java.util.Objects;
import java.util.Optional;

/**
 * A call RTKit makes into the client's ops (kernel-harness.md). The endpoint in the shmem
 * callbacks is not an argument of the real callback; it is kept so reports can say which buffer.
 */
public sealed interface Callback
        permits Callback.Crashed, Callback.RecvMessage, Callback.ShmemSetup, Callback.ShmemDestroy {

    /** ops->crashed: the IOP reported a crash; {@code log} is the crashlog buffer if the AP holds one. */
    record Crashed(Optional<Buffer> log) implements Callback {
        public Crashed {
            Objects.requireNonNull(log, "log");
        }
    }

    /** ops->recv_message(endpoint, msg0) for an application endpoint. */
    record RecvMessage(int endpoint, long msg0) implements Callback {
    }

    /**
     * ops->shmem_setup for a buffer of {@code size} bytes: at the firmware's {@code requestedIova},
     * or, when that is 0, at an IOVA the client chooses ({@code assignedIova} is the one the model
     * expects, see {@link ClientOps#allocationBase()}).
     */
    record ShmemSetup(int endpoint, long size, long requestedIova, long assignedIova) implements Callback {
    }

    /** ops->shmem_destroy for a buffer shmem_setup set up. */
    record ShmemDestroy(Buffer buffer) implements Callback {
        public ShmemDestroy {
            Objects.requireNonNull(buffer, "buffer");
        }
    }
}
