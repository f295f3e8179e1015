package dev.lockstep.models.rtkit;

/**
 * What type 1 on the oslog endpoint is (fact sheet §1.3, TYPE 63:56). Linux 6.1 and m1n1's C and
 * Python clients treat it as INIT, answered with a bare ACK (type 3). Linux 6.15 (with a posted
 * backport to 6.1.y) reads it as a buffer request: SIZE 55:36 in bytes, IOVA 35:0 as iova >> 12,
 * answered in the same layout.
 */
public enum OslogLayout {
    INIT_ACK,
    BUFFER_REQUEST
}
