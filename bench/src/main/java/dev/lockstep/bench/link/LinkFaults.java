package dev.lockstep.bench.link;

/**
 * Which faults a {@link FaultyLink} injects, parsed from the --link-faults spec
 * {@code corrupt=RATE,drop=RATE,dup=RATE,stall=MS[@RATE],disconnect=EVERY,kill=EVERY,seed=N}. Rates
 * are per frame, in each direction; every part is optional. A stall without a rate stalls one frame
 * in a hundred; the seed makes a run's faults reproduce (default 1). {@code kill=N} is not a fault
 * of the line but of the target: the agent process is SIGKILLed during the batch that reaches every
 * N-th operation (the target layer does it, see AgentTarget), so the bench must rebuild the driver's
 * state in a new agent and go on as if nothing had happened.
 */
public record LinkFaults(double corrupt, double drop, double dup, long stallMillis, double stallRate,
                         long disconnectEvery, long killEvery, long seed) {
    public static final String FORM = "corrupt=RATE,drop=RATE,dup=RATE,stall=MS[@RATE],disconnect=EVERY,kill=EVERY,seed=N";
    static final double DEFAULT_STALL_RATE = 0.01;

    public LinkFaults {
        checkRate("corrupt", corrupt);
        checkRate("drop", drop);
        checkRate("dup", dup);
        checkRate("stall rate", stallRate);
        if (stallMillis < 0 || disconnectEvery < 0 || killEvery < 0) {
            throw new IllegalArgumentException("link faults: stall, disconnect and kill must not be negative; expected " + FORM);
        }
    }

    /** Faults without kills (the form before kill=EVERY existed). */
    public LinkFaults(double corrupt, double drop, double dup, long stallMillis, double stallRate, long disconnectEvery, long seed) {
        this(corrupt, drop, dup, stallMillis, stallRate, disconnectEvery, 0, seed);
    }

    public static LinkFaults none() {
        return new LinkFaults(0, 0, 0, 0, 0, 0, 0, 1);
    }

    /** True when this injects anything at all. */
    public boolean any() {
        return corrupt > 0 || drop > 0 || dup > 0 || (stallMillis > 0 && stallRate > 0) || disconnectEvery > 0 || killEvery > 0;
    }

    /** The same faults from another seed: an agent restart continues with fresh, still reproducible faults. */
    public LinkFaults withSeed(long s) {
        return new LinkFaults(corrupt, drop, dup, stallMillis, stallRate, disconnectEvery, killEvery, s);
    }

    /**
     * Parses a spec such as {@code corrupt=1e-3,drop=1e-3}.
     *
     * @throws IllegalArgumentException one line naming the bad part and the expected form
     */
    public static LinkFaults parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("link faults: empty spec; expected " + FORM);
        }
        double corrupt = 0;
        double drop = 0;
        double dup = 0;
        long stall = 0;
        double stallRate = DEFAULT_STALL_RATE;
        long every = 0;
        long kill = 0;
        long seed = 1;
        for (String part : spec.split(",", -1)) {
            int eq = part.indexOf('=');
            if (eq <= 0 || eq == part.length() - 1) {
                throw bad(part, "is not NAME=VALUE");
            }
            String name = part.substring(0, eq).trim();
            String value = part.substring(eq + 1).trim();
            switch (name) {
                case "corrupt" -> corrupt = rate(part, value);
                case "drop" -> drop = rate(part, value);
                case "dup" -> dup = rate(part, value);
                case "stall" -> {
                    int at = value.indexOf('@');
                    stall = count(part, at < 0 ? value : value.substring(0, at));
                    if (at >= 0) {
                        stallRate = rate(part, value.substring(at + 1));
                    }
                }
                case "disconnect" -> every = count(part, value);
                case "kill" -> kill = count(part, value);
                case "seed" -> seed = number(part, value);
                default -> throw bad(part, "names no fault");
            }
        }
        return new LinkFaults(corrupt, drop, dup, stall, stallRate, every, kill, seed);
    }

    private static double rate(String part, String value) {
        double r;
        try {
            r = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw bad(part, "is not a rate");
        }
        if (!(r >= 0 && r <= 1)) {
            throw bad(part, "is not a rate between 0 and 1");
        }
        return r;
    }

    private static long count(String part, String value) {
        long n = number(part, value);
        if (n < 0) {
            throw bad(part, "is negative");
        }
        return n;
    }

    private static long number(String part, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw bad(part, "is not a whole number");
        }
    }

    private static IllegalArgumentException bad(String part, String why) {
        return new IllegalArgumentException("link faults: '" + part + "' " + why + "; expected " + FORM);
    }

    private static void checkRate(String what, double r) {
        if (!(r >= 0 && r <= 1)) {
            throw new IllegalArgumentException("link faults: " + what + " " + r + " is not a rate between 0 and 1; expected " + FORM);
        }
    }
}
