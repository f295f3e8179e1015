package dev.lockstep.models.rtkit;

/**
 * A shared buffer the AP holds for a system endpoint (crashlog, syslog, ioreport, oslog).
 *
 * @param preallocated the firmware allocated it (the request carried its IOVA)
 * @param viaClient the client's shmem_setup set it up, so its shmem_destroy must release it
 * @param mapped the client marked it mapped (is_mapped): the request got no reply
 */
public record Buffer(int endpoint, long iova, long size, boolean preallocated, boolean viaClient, boolean mapped) {

    public Buffer {
        if (size <= 0) {
            throw new IllegalArgumentException("a held buffer has a size: " + size);
        }
    }
}
