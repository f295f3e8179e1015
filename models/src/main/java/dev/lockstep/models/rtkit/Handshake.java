package dev.lockstep.models.rtkit;

/** How far the IOP-driven handshake (HELLO, EPMAP pages) has come since the last reinit. */
public enum Handshake {
    /** Nothing heard since reset. */
    AWAIT_HELLO,
    /** HELLO answered; EPMAP pages arriving. */
    AWAIT_EPMAP,
    /** EPMAP LAST handled: the system endpoints are started and boot may continue. */
    COMPLETE,
    /** The AP refused the firmware's versions: boot fails with -EINVAL until the next HELLO or reinit. */
    REJECTED
}
