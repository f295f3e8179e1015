package dev.lockstep.models.rtkit;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a coprocessor's firmware is, as far as the RTKit boot shows it: the versions it speaks, the
 * endpoints it announces, the buffers it asks for, its syslog ring, and the state it reports when
 * up. No seed, no choice: {@link FirmwareModel} derives the same messages from the same description.
 *
 * @param buffers the buffer requests, in the order the firmware sends them
 * @param bootIopState the state of the unsolicited IOP power ack that ends the firmware's boot
 */
public record FirmwareDescription(int minVersion, int maxVersion, EndpointSet endpoints, List<BufferPlan> buffers,
                                  Optional<SyslogGeometry> syslog, int bootIopState, CodecLayout layout) {

    /** One buffer request: {@code pages} pages, at {@code iova} (0: the AP allocates). */
    public record BufferPlan(int endpoint, int pages, long iova) {
        public BufferPlan {
            if (!BufferMessage.servesBuffers(endpoint)) {
                throw new IllegalArgumentException("no buffer requests on " + Endpoints.name(endpoint));
            }
        }
    }

    public FirmwareDescription {
        Objects.requireNonNull(endpoints, "endpoints");
        Objects.requireNonNull(syslog, "syslog");
        Objects.requireNonNull(layout, "layout");
        buffers = List.copyOf(buffers);
        ManagementMessage.MINVER.put(minVersion);
        ManagementMessage.MAXVER.put(maxVersion);
        ManagementMessage.PWR_STATE.put(bootIopState);
        for (BufferPlan b : buffers) {
            new BufferMessage(b.endpoint(), b.pages(), b.iova(), layout.iova());
        }
        syslog.ifPresent(g -> new SyslogMessage.Init(g.entries(), g.entrySize(), layout.syslogInit()));
    }

    /**
     * A typical coprocessor: versions 11..12; management, crashlog, syslog, kdebug, ioreport and
     * oslog, and application endpoints 0x20 and 0x21; AP-allocated buffers of 4 (crashlog),
     * 2 (syslog) and 2 (ioreport) pages; a syslog ring of 8 entries of 0xe0 bytes; up in state ON.
     */
    public static FirmwareDescription typical(CodecLayout layout) {
        return new FirmwareDescription(11, 12,
                EndpointSet.of(Endpoints.MANAGEMENT, Endpoints.CRASHLOG, Endpoints.SYSLOG, Endpoints.KDEBUG,
                        Endpoints.IOREPORT, Endpoints.OSLOG, 0x20, 0x21),
                List.of(new BufferPlan(Endpoints.CRASHLOG, 4, 0), new BufferPlan(Endpoints.SYSLOG, 2, 0),
                        new BufferPlan(Endpoints.IOREPORT, 2, 0)),
                Optional.of(new SyslogGeometry(8, 0xe0)), PowerState.ON.value(), layout);
    }

    public static FirmwareDescription typical() {
        return typical(CodecLayout.defaults());
    }

    public FirmwareDescription withVersions(int min, int max) {
        return new FirmwareDescription(min, max, endpoints, buffers, syslog, bootIopState, layout);
    }

    public FirmwareDescription withEndpoints(EndpointSet eps) {
        return new FirmwareDescription(minVersion, maxVersion, eps, buffers, syslog, bootIopState, layout);
    }

    public FirmwareDescription withBuffers(List<BufferPlan> plans) {
        return new FirmwareDescription(minVersion, maxVersion, endpoints, plans, syslog, bootIopState, layout);
    }

    public FirmwareDescription withSyslog(Optional<SyslogGeometry> g) {
        return new FirmwareDescription(minVersion, maxVersion, endpoints, buffers, g, bootIopState, layout);
    }

    public FirmwareDescription withBootIopState(int state) {
        return new FirmwareDescription(minVersion, maxVersion, endpoints, buffers, syslog, state, layout);
    }

    public Optional<BufferPlan> buffer(int endpoint) {
        return buffers.stream().filter(b -> b.endpoint() == endpoint).findFirst();
    }
}
