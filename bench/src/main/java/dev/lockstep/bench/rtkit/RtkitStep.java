package dev.lockstep.bench.rtkit;

import dev.lockstep.models.rtkit.ApCall;
import dev.lockstep.models.rtkit.ApInput;
import dev.lockstep.models.rtkit.Message;

/**
 * One step of an RTKit case, and its one-line text form in reproducers: a firmware message
 * ({@code iop EP MSG0}), a client call ({@code call boot}, {@code call start_ep EP},
 * {@code call send EP MSG0}, ...) or the clock moving by one wait ({@code advance MS}).
 */
public sealed interface RtkitStep {
    /** Every wait in RTKit is 1000 ms: one advance of this much ends exactly one wait. */
    long WAIT_MS = 1000;

    record Fw(Message message) implements RtkitStep {
        @Override
        public String toString() {
            return String.format("iop 0x%02x 0x%016x", message.endpoint(), message.msg0());
        }
    }

    record Call(ApCall call) implements RtkitStep {
        @Override
        public String toString() {
            if (call instanceof ApCall.StartEp s) {
                return String.format("call start_ep 0x%02x", s.endpoint());
            }
            if (call instanceof ApCall.Send s) {
                return String.format("call send 0x%02x 0x%016x", s.endpoint(), s.msg0());
            }
            return "call " + name(call);
        }
    }

    record Advance(long ms) implements RtkitStep {
        @Override
        public String toString() {
            return "advance " + ms;
        }
    }

    /** The step a model input stands for: a Timeout is the clock passing one wait. */
    static RtkitStep of(ApInput in) {
        if (in instanceof ApInput.Received r) {
            return new Fw(r.message());
        }
        if (in instanceof ApInput.Timeout) {
            return new Advance(WAIT_MS);
        }
        return new Call((ApCall) in);
    }

    static String name(ApCall c) {
        if (c instanceof ApCall.Boot) {
            return "boot";
        } else if (c instanceof ApCall.Wake) {
            return "wake";
        } else if (c instanceof ApCall.Quiesce) {
            return "quiesce";
        } else if (c instanceof ApCall.Shutdown) {
            return "shutdown";
        } else if (c instanceof ApCall.Reinit) {
            return "reinit";
        } else if (c instanceof ApCall.StartEp) {
            return "start_ep";
        }
        return "send";
    }

    /** Parses one line as written by toString; throws IllegalArgumentException with a one-line reason. */
    static RtkitStep parse(String line) {
        String[] w = line.trim().split("\\s+");
        try {
            switch (w[0]) {
                case "iop" -> {
                    need(w, 3, line);
                    return new Fw(new Message(Long.parseUnsignedLong(hex(w[2]), 16), Integer.parseInt(hex(w[1]), 16)));
                }
                case "advance" -> {
                    need(w, 2, line);
                    long ms = Long.parseLong(w[1]);
                    if (ms < 0 || ms > (1L << 40)) {
                        throw new IllegalArgumentException("advance takes 0..2^40 ms: '" + line + "'");
                    }
                    return new Advance(ms);
                }
                case "call" -> {
                    if (w.length < 2) {
                        throw new IllegalArgumentException("call needs a function: '" + line + "'");
                    }
                    return new Call(switch (w[1]) {
                        case "boot" -> new ApCall.Boot();
                        case "wake" -> new ApCall.Wake();
                        case "quiesce" -> new ApCall.Quiesce();
                        case "shutdown" -> new ApCall.Shutdown();
                        case "reinit" -> new ApCall.Reinit();
                        case "start_ep" -> {
                            need(w, 3, line);
                            yield new ApCall.StartEp(Integer.parseInt(hex(w[2]), 16));
                        }
                        case "send" -> {
                            need(w, 4, line);
                            yield new ApCall.Send(Integer.parseInt(hex(w[2]), 16), Long.parseUnsignedLong(hex(w[3]), 16));
                        }
                        default -> throw new IllegalArgumentException("unknown call '" + w[1] + "' in '" + line + "'");
                    });
                }
                default -> throw new IllegalArgumentException("a step is iop, call or advance, not '" + line + "'");
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad number in step '" + line + "'");
        }
    }

    private static void need(String[] w, int n, String line) {
        if (w.length != n) {
            throw new IllegalArgumentException("step '" + line + "' needs " + (n - 1) + " fields");
        }
    }

    private static String hex(String s) {
        if (!s.startsWith("0x")) {
            throw new NumberFormatException(s);
        }
        return s.substring(2);
    }
}
