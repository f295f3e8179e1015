package dev.lockstep.fuzz;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What identifies one agent crash among all crashes: the input the driver was handling, how it
 * died, and the driver line it died on, e.g.
 * {@code syslog Log: SIGSEGV in apple_rtkit_syslog_rx_log (drivers/soc/apple/rtkit.c:465)}.
 *
 * <p>It is read from a crash finding's title ("rtkit: the agent crashes on LABEL") and the agent's
 * CRASH description in its detail ("agent crashed: SIGSEGV at 0xf in op 1 (RTKIT STEP)" and the
 * "backtrace:" line). Static functions appear there as "lockstep-agent+0xOFFSET", exported ones as
 * "name+0xOFFSET"; both are resolved to a function and a source line with addr2line against the
 * agent binary. The line is the first frame in the driver (drivers/...), or else the first frame
 * outside the crash handler and the C library (a crash in the shim with no driver caller). The
 * faulting address is left out: a wild pointer's value depends on the heap's layout, the line
 * that dereferences it does not.
 */
final class CrashSignature {
    static final String CRASH_TITLE = "rtkit: the agent crashes on ";
    private static final Pattern SYMBOL_OFFSET = Pattern.compile("(.+)\\+0x([0-9a-fA-F]+)");

    /** A frame resolved to source: the innermost function at that address, its file and line. */
    record Location(String function, String file, int line) {
        @Override
        public String toString() {
            return function + " (" + file + ":" + line + ")";
        }
    }

    /** Resolves the agent binary's frames ("lockstep-agent+0x..." or "symbol+0x...") to source. */
    interface Resolver {
        /** One answer per frame, in order; empty where the frame could not be resolved. */
        List<Optional<Location>> resolve(List<String> addresses);
    }

    private CrashSignature() {
    }

    /**
     * The signature of a crash finding.
     *
     * @throws IllegalArgumentException if the title is not a crash title
     */
    static String of(String title, String detail, Resolver resolver) {
        if (!title.startsWith(CRASH_TITLE)) {
            throw new IllegalArgumentException("not a crash title: " + title);
        }
        String label = title.substring(CRASH_TITLE.length());
        String description = null;
        List<String> frames = List.of();
        for (String l : detail.split("\n")) {
            if (description == null && l.startsWith("agent crashed: ")) {
                description = l.substring("agent crashed: ".length());
            } else if (description == null && l.startsWith("agent died: ")) {
                // No CRASH frame came: only the exit status is known.
                return label + ": died (" + l.substring("agent died: ".length()).strip() + ")";
            } else if (l.startsWith("backtrace:")) {
                frames = Arrays.stream(l.substring("backtrace:".length()).trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
            }
            if (description != null && !frames.isEmpty()) {
                break;
            }
        }
        if (description == null) {
            return label + ": crash without a description";
        }
        // "SIGSEGV at 0xf in op 1 (RTKIT STEP)" -> "SIGSEGV"; a BUG() or sanitizer text up to its place.
        String how = description.startsWith("SIG") ? description.split(" ", 2)[0] : description.replaceFirst(" (in op |outside a batch).*$", "");
        Optional<Location> where = where(frames, description.startsWith("SIG"), resolver);
        return label + ": " + how + where.map(w -> " in " + w).orElse(frames.isEmpty() ? "" : " at " + firstOwnFrame(frames));
    }

    /**
     * The frame that says where: frame 0 is the crash handler; after a signal the C library's
     * signal trampoline comes next and then the faulting instruction itself, every other frame is
     * a return address, resolved one byte back so that it names the call, not the line after it.
     */
    private static Optional<Location> where(List<String> frames, boolean signal, Resolver resolver) {
        List<String> own = new ArrayList<>();
        int trampoline = -1;
        for (int i = 1; i < frames.size(); i++) {
            String f = frames.get(i);
            if (isLibrary(f)) {
                if (signal && trampoline < 0) {
                    trampoline = i;
                }
                continue;
            }
            Matcher m = SYMBOL_OFFSET.matcher(f);
            if (!m.matches()) {
                continue;
            }
            long off = Long.parseUnsignedLong(m.group(2), 16);
            boolean exact = trampoline >= 0 && i == trampoline + 1;
            String sym = m.group(1);
            String base = sym.equals("lockstep-agent") ? "" : sym + "+";
            own.add(base + "0x" + Long.toHexString(exact || off == 0 ? off : off - 1));
        }
        if (own.isEmpty()) {
            return Optional.empty();
        }
        List<Optional<Location>> resolved = resolver.resolve(own);
        Optional<Location> fallback = Optional.empty();
        for (Optional<Location> r : resolved) {
            if (r.isEmpty()) {
                continue;
            }
            if (r.get().file().startsWith("drivers/")) {
                return r;
            }
            if (fallback.isEmpty() && !r.get().file().endsWith("crash.c")) {
                fallback = r;
            }
        }
        return fallback;
    }

    private static boolean isLibrary(String frame) {
        return frame.contains(".so") || frame.startsWith("__libc_") || frame.startsWith("_start+");
    }

    private static String firstOwnFrame(List<String> frames) {
        return frames.stream().skip(1).filter(f -> !isLibrary(f)).findFirst().orElse(frames.get(0));
    }

    /** Paths as they read in every checkout: drivers/... of the kernel tree, src/agent/... of ours. */
    static String relative(String path) {
        for (String anchor : new String[] {"/drivers/", "/src/agent/", "/include/"}) {
            int i = path.lastIndexOf(anchor);
            if (i >= 0) {
                return path.substring(i + 1);
            }
        }
        return Path.of(path).getFileName().toString();
    }

    /** addr2line on the agent binary (binutils, which the agent's build needs anyway), with answers kept. */
    static Resolver addr2line(Path binary) {
        Map<String, Optional<Location>> cache = new ConcurrentHashMap<>();
        return addresses -> {
            List<String> missing = addresses.stream().filter(a -> !cache.containsKey(a)).distinct().toList();
            if (!missing.isEmpty()) {
                List<Optional<Location>> got = runAddr2line(binary, missing);
                for (int i = 0; i < missing.size(); i++) {
                    cache.put(missing.get(i), got.get(i));
                }
            }
            return addresses.stream().map(cache::get).toList();
        };
    }

    /**
     * One addr2line run: with -a each answer starts with its address, and -i lists the inlined
     * functions innermost first, so the first function and line after each address are the ones wanted.
     */
    private static List<Optional<Location>> runAddr2line(Path binary, List<String> addresses) {
        List<String> cmd = new ArrayList<>(List.of("addr2line", "-a", "-f", "-i", "-e", binary.toString()));
        cmd.addAll(addresses);
        List<Optional<Location>> out = new ArrayList<>();
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                return addresses.stream().map(a -> Optional.<Location>empty()).toList();
            }
            String[] lines = text.split("\n");
            for (int i = 0; i < lines.length; i++) {
                if (!lines[i].startsWith("0x")) {
                    continue;
                }
                Optional<Location> loc = Optional.empty();
                if (i + 2 < lines.length) {
                    loc = location(lines[i + 1], lines[i + 2]);
                }
                out.add(loc);
            }
        } catch (IOException e) {
            return addresses.stream().map(a -> Optional.<Location>empty()).toList();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return addresses.stream().map(a -> Optional.<Location>empty()).toList();
        }
        while (out.size() < addresses.size()) {
            out.add(Optional.empty());
        }
        return out;
    }

    /** "apple_rtkit_syslog_rx_log" and "/x/drivers/soc/apple/rtkit.c:465 (discriminator 1)". */
    static Optional<Location> location(String function, String fileLine) {
        String fl = fileLine.replaceFirst(" \\(discriminator \\d+\\)$", "").strip();
        int colon = fl.lastIndexOf(':');
        if (function.startsWith("??") || colon < 0 || fl.startsWith("??")) {
            return Optional.empty();
        }
        try {
            int line = Integer.parseInt(fl.substring(colon + 1));
            return line == 0 ? Optional.empty() : Optional.of(new Location(function.strip(), relative(fl.substring(0, colon)), line));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
