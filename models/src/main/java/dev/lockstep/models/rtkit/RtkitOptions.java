package dev.lockstep.models.rtkit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The choices the RTKit protocol leaves open, or on which its implementations differ, each named
 * so a user can see and change it ({@code --model-option name=value}). Defaults are argued in
 * docs/model-rtkit.md from the protocol facts; none was chosen by looking at what the driver under
 * test does.
 *
 * @param unsupportedVersion   a HELLO whose range has no version in 11..12: REJECT (no reply, boot
 *                             fails with -EINVAL) or REPLY_FW_MAX (answer the firmware's MAXVER)
 * @param handshakeOrder       ANY (every message is handled on its own) or STRICT (an EPMAP before
 *                             the HELLO reply, or a system message on an endpoint not started, is
 *                             ignored)
 * @param systemEndpoints      the system endpoints the AP starts after EPMAP LAST
 * @param bufferIova           where a buffer request keeps its IOVA
 * @param preallocatedBuffer   what a firmware-allocated buffer (IOVA ≠ 0) needs from the client:
 *                             NEEDS_SETUP_AND_DESTROY or NEEDS_SETUP
 * @param repeatedBufferRequest a second request on an endpoint that has a buffer: REPLACE (release
 *                             the old one, serve the new) or LEAK (serve the new, forget the old)
 * @param zeroSizeBuffer       a request for 0 pages: REPLY_EMPTY (answer it, allocate nothing) or
 *                             NO_REPLY (refuse it)
 * @param syslogInit           where syslog INIT keeps its geometry
 * @param oslog                what oslog type 1 is
 * @param wakeIopState         the IOP state wake requests: ON (0x20) or INIT (0x220)
 * @param managementSendFailure a power request that cannot be sent (after a crash): RETURN_ERROR
 *                             (the call fails with the send's error) or WAIT (wait for an ack anyway)
 * @param sendToUndiscovered   send_message to an application endpoint the EPMAP did not announce:
 *                             REJECT (-EINVAL) or ALLOW
 * @param undiscoveredSender   a message from an endpoint the EPMAP did not announce: PROCESS or DROP
 * @param reservedBits         a message with bits set outside its type's fields: IGNORE (read the
 *                             fields) or REJECT (treat it as unknown)
 */
public record RtkitOptions(UnsupportedVersion unsupportedVersion, HandshakeOrder handshakeOrder,
                           EndpointSet systemEndpoints, IovaField bufferIova, PreallocatedBuffer preallocatedBuffer,
                           RepeatedBufferRequest repeatedBufferRequest, ZeroSizeBuffer zeroSizeBuffer,
                           SyslogInitLayout syslogInit, OslogLayout oslog, PowerState wakeIopState,
                           ManagementSendFailure managementSendFailure, SendToUndiscovered sendToUndiscovered,
                           UndiscoveredSender undiscoveredSender, ReservedBits reservedBits) {

    public enum UnsupportedVersion { REJECT, REPLY_FW_MAX }

    public enum HandshakeOrder { ANY, STRICT }

    public enum PreallocatedBuffer { NEEDS_SETUP_AND_DESTROY, NEEDS_SETUP }

    public enum RepeatedBufferRequest { REPLACE, LEAK }

    public enum ZeroSizeBuffer { REPLY_EMPTY, NO_REPLY }

    public enum ManagementSendFailure { RETURN_ERROR, WAIT }

    public enum SendToUndiscovered { REJECT, ALLOW }

    public enum UndiscoveredSender { PROCESS, DROP }

    public enum ReservedBits { IGNORE, REJECT }

    public RtkitOptions {
        for (Object o : new Object[] {unsupportedVersion, handshakeOrder, systemEndpoints, bufferIova,
                preallocatedBuffer, repeatedBufferRequest, zeroSizeBuffer, syslogInit, oslog, wakeIopState,
                managementSendFailure, sendToUndiscovered, undiscoveredSender, reservedBits}) {
            if (o == null) {
                throw new IllegalArgumentException("every RTKit option needs a value");
            }
        }
        if (!wakeIopState.isOn()) {
            throw new IllegalArgumentException("wake must request an on state (ON or INIT), not " + wakeIopState);
        }
        for (int ep : systemEndpoints.toList()) {
            if (!Endpoints.isSystem(ep)) {
                throw new IllegalArgumentException("systemEndpoints holds 1..0x1f only, not " + ep);
            }
        }
    }

    public static RtkitOptions defaults() {
        return new RtkitOptions(UnsupportedVersion.REJECT, HandshakeOrder.ANY,
                EndpointSet.of(Endpoints.CRASHLOG, Endpoints.SYSLOG, Endpoints.KDEBUG, Endpoints.IOREPORT, Endpoints.OSLOG),
                IovaField.BITS_41_0, PreallocatedBuffer.NEEDS_SETUP_AND_DESTROY, RepeatedBufferRequest.REPLACE,
                ZeroSizeBuffer.REPLY_EMPTY, SyslogInitLayout.M1N1, OslogLayout.INIT_ACK, PowerState.ON,
                ManagementSendFailure.RETURN_ERROR, SendToUndiscovered.REJECT, UndiscoveredSender.PROCESS,
                ReservedBits.IGNORE);
    }

    /** The codec layout these options imply. */
    public CodecLayout layout() {
        return new CodecLayout(bufferIova, syslogInit, oslog);
    }

    /** Returns a copy with one option set from its command-line spelling, e.g. "oslog=BUFFER_REQUEST". */
    public RtkitOptions with(String assignment) {
        int eq = assignment.indexOf('=');
        if (eq < 0) {
            throw new IllegalArgumentException("model option '" + assignment + "' is not name=value; known: " + names());
        }
        String name = assignment.substring(0, eq).trim();
        String value = assignment.substring(eq + 1).trim();
        Map<String, String> m = asMap();
        if (!m.containsKey(name)) {
            throw new IllegalArgumentException("unknown model option '" + name + "'; known: " + names());
        }
        m.put(name, value);
        try {
            return fromMap(m);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("model option " + name + " has no value '" + value
                    + "'; values: " + values(name) + " (see docs/model-rtkit.md)");
        }
    }

    /** The options and their values, in a stable order, for summary.json and reproducers. */
    public Map<String, String> asMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("unsupportedVersion", unsupportedVersion.name());
        m.put("handshakeOrder", handshakeOrder.name());
        StringJoiner eps = new StringJoiner(",");
        systemEndpoints.toList().forEach(ep -> eps.add(Integer.toString(ep)));
        m.put("systemEndpoints", eps.toString());
        m.put("bufferIova", bufferIova.name());
        m.put("preallocatedBuffer", preallocatedBuffer.name());
        m.put("repeatedBufferRequest", repeatedBufferRequest.name());
        m.put("zeroSizeBuffer", zeroSizeBuffer.name());
        m.put("syslogInit", syslogInit.name());
        m.put("oslog", oslog.name());
        m.put("wakeIopState", wakeIopState.name());
        m.put("managementSendFailure", managementSendFailure.name());
        m.put("sendToUndiscovered", sendToUndiscovered.name());
        m.put("undiscoveredSender", undiscoveredSender.name());
        m.put("reservedBits", reservedBits.name());
        return m;
    }

    /** The values an option takes, default first, for help texts and generators. */
    public static List<String> values(String name) {
        return switch (name) {
            case "unsupportedVersion" -> names(UnsupportedVersion.values());
            case "handshakeOrder" -> names(HandshakeOrder.values());
            case "systemEndpoints" -> List.of("a comma-separated list of 1..31, e.g. 1,2,3,4,8");
            case "bufferIova" -> names(IovaField.values());
            case "preallocatedBuffer" -> names(PreallocatedBuffer.values());
            case "repeatedBufferRequest" -> names(RepeatedBufferRequest.values());
            case "zeroSizeBuffer" -> names(ZeroSizeBuffer.values());
            case "syslogInit" -> List.of(SyslogInitLayout.M1N1.name(), SyslogInitLayout.LINUX.name());
            case "oslog" -> names(OslogLayout.values());
            case "wakeIopState" -> List.of(PowerState.ON.name(), PowerState.INIT.name());
            case "managementSendFailure" -> names(ManagementSendFailure.values());
            case "sendToUndiscovered" -> names(SendToUndiscovered.values());
            case "undiscoveredSender" -> names(UndiscoveredSender.values());
            case "reservedBits" -> names(ReservedBits.values());
            default -> throw new IllegalArgumentException("unknown model option '" + name + "'; known: " + names());
        };
    }

    /** Every option name, in the order of {@link #asMap()}. */
    public static List<String> optionNames() {
        return List.copyOf(defaults().asMap().keySet());
    }

    private static RtkitOptions fromMap(Map<String, String> m) {
        return new RtkitOptions(UnsupportedVersion.valueOf(m.get("unsupportedVersion")),
                HandshakeOrder.valueOf(m.get("handshakeOrder")), endpoints(m.get("systemEndpoints")),
                IovaField.valueOf(m.get("bufferIova")), PreallocatedBuffer.valueOf(m.get("preallocatedBuffer")),
                RepeatedBufferRequest.valueOf(m.get("repeatedBufferRequest")),
                ZeroSizeBuffer.valueOf(m.get("zeroSizeBuffer")), SyslogInitLayout.valueOf(m.get("syslogInit")),
                OslogLayout.valueOf(m.get("oslog")), PowerState.valueOf(m.get("wakeIopState")),
                ManagementSendFailure.valueOf(m.get("managementSendFailure")),
                SendToUndiscovered.valueOf(m.get("sendToUndiscovered")),
                UndiscoveredSender.valueOf(m.get("undiscoveredSender")), ReservedBits.valueOf(m.get("reservedBits")));
    }

    private static EndpointSet endpoints(String list) {
        List<Integer> eps = new ArrayList<>();
        for (String part : list.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            eps.add(p.startsWith("0x") || p.startsWith("0X") ? Integer.parseInt(p.substring(2), 16) : Integer.parseInt(p));
        }
        return EndpointSet.of(eps);
    }

    private static List<String> names(Enum<?>[] values) {
        List<String> out = new ArrayList<>();
        for (Enum<?> v : values) {
            out.add(v.name());
        }
        return out;
    }

    private static String names() {
        return String.join(", ", optionNames());
    }
}
