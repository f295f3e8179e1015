package dev.lockstep.models.rtkit;

/**
 * What the client (the driver that owns the coprocessor) gives RTKit, as far as the protocol can
 * see it: whether it provides shmem_setup and shmem_destroy, whether its shmem_setup marks buffers
 * as already mapped (is_mapped: the IOP then gets no reply), and how AP-side buffers get their IOVA.
 * This describes the harness, not a policy: the bench must configure its client the same way.
 *
 * @param allocationBase IOVA of the first AP-allocated buffer; later ones follow it, each starting
 *     at the previous one's end rounded up to 16 KiB, in request order, from the base again after
 *     every reinit. The harness's allocator must hand out the same addresses for the reply IOVAs
 *     to compare exactly.
 */
public record ClientOps(boolean shmemSetup, boolean shmemDestroy, boolean setupMarksMapped, long allocationBase) {

    public static final long ALLOCATION_ALIGN = 0x4000;

    public ClientOps {
        if (allocationBase <= 0 || (allocationBase & (ALLOCATION_ALIGN - 1)) != 0) {
            throw new IllegalArgumentException(String.format("allocationBase 0x%x must be a non-zero multiple of 16 KiB",
                    allocationBase));
        }
    }

    /** A client with shmem_setup and shmem_destroy that maps nothing itself, allocating from 0x8_0000_0000. */
    public static ClientOps defaults() {
        return new ClientOps(true, true, false, 0x8_0000_0000L);
    }

    /** A client without shmem ops: RTKit allocates DMA memory itself and tells the client nothing. */
    public static ClientOps withoutShmemOps() {
        return new ClientOps(false, false, false, 0x8_0000_0000L);
    }
}
