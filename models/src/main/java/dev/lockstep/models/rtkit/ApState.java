package dev.lockstep.models.rtkit;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * Everything a correct AP remembers about its coprocessor between two inputs. Immutable: a step
 * returns a new one.
 *
 * @param version the protocol version chosen in the HELLO reply, if one was sent since reset
 * @param discovered the endpoints the EPMAP announced, plus management (always there)
 * @param started the endpoints the AP sent STARTEP for since reset
 * @param iopPowerState the last state the IOP acknowledged (raw 16 bits)
 * @param apPowerState the last state the IOP granted the AP (raw 16 bits)
 * @param iopAcked whether the IOP has reported its state since the AP last asked (or since reset)
 * @param apAcked whether the IOP has acknowledged the AP's last power request
 * @param crashlogRequested whether the crashlog endpoint's first type-1 message (its buffer
 *     request) has arrived: every later one is a crash
 * @param buffers the buffers held, by endpoint
 * @param syslog the ring geometry syslog INIT gave
 * @param nextIova where the next AP-allocated buffer goes
 * @param pending the client's call that is blocked, if any
 */
public record ApState(Handshake handshake, OptionalInt version, EndpointSet discovered, EndpointSet started,
                      int iopPowerState, int apPowerState, boolean iopAcked, boolean apAcked, boolean crashed,
                      boolean crashlogRequested, Map<Integer, Buffer> buffers, Optional<SyslogGeometry> syslog,
                      long nextIova, Optional<PendingCall> pending) {

    /** A coarse summary of the state, for statistics and reports. */
    public enum Phase { AWAIT_HELLO, AWAIT_EPMAP, HELLO_REJECTED, EPMAP_COMPLETE, RUNNING, QUIESCED, CRASHED }

    public ApState {
        Objects.requireNonNull(handshake, "handshake");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(discovered, "discovered");
        Objects.requireNonNull(started, "started");
        Objects.requireNonNull(syslog, "syslog");
        Objects.requireNonNull(pending, "pending");
        buffers = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(buffers));
    }

    /** apple_rtkit_is_running: not crashed, and both power states on. */
    public boolean running() {
        return !crashed && PowerState.isOn(iopPowerState) && PowerState.isOn(apPowerState);
    }

    public Optional<Buffer> buffer(int endpoint) {
        return Optional.ofNullable(buffers.get(endpoint));
    }

    public Phase phase() {
        if (crashed) {
            return Phase.CRASHED;
        }
        if (running()) {
            return Phase.RUNNING;
        }
        if (iopPowerState == PowerState.QUIESCED.value() && apPowerState == PowerState.QUIESCED.value()) {
            return Phase.QUIESCED;
        }
        return switch (handshake) {
            case AWAIT_HELLO -> Phase.AWAIT_HELLO;
            case AWAIT_EPMAP -> Phase.AWAIT_EPMAP;
            case REJECTED -> Phase.HELLO_REJECTED;
            case COMPLETE -> Phase.EPMAP_COMPLETE;
        };
    }
}
