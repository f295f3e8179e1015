package dev.lockstep.bench.engine;

import java.io.PrintStream;

/**
 * The live progress line: operations, rate, cases, findings, coverage. On a terminal it redraws in
 * place every second; in a log (CI) it prints a plain line every ten seconds.
 */
final class StatusLine {
    private final PrintStream out;
    private final boolean tty;
    private final long started = System.nanoTime();
    private long lastPrint;

    StatusLine(PrintStream out) {
        this.out = out;
        this.tty = System.console() != null;
    }

    void maybePrint(long ops, long cases, long findings, long known, long binsHit, long binsTotal, boolean force) {
        long now = System.nanoTime();
        long interval = tty ? 1_000_000_000L : 10_000_000_000L;
        if (!force && now - lastPrint < interval) {
            return;
        }
        lastPrint = now;
        double secs = (now - started) / 1e9;
        String line = String.format("[%s] ops %d (%.0f/s)  cases %d  findings %d new + %d known  coverage %d/%d bins",
                clock(secs), ops, ops / Math.max(secs, 1e-3), cases, findings - known, known, binsHit, binsTotal);
        if (tty) {
            out.print("\r" + line + "   ");
            if (force) {
                out.println();
            }
        } else {
            out.println(line);
        }
        out.flush();
    }

    void message(String text) {
        if (tty) {
            out.print("\r");
        }
        out.println(text);
        out.flush();
    }

    private static String clock(double secs) {
        long s = (long) secs;
        return String.format("%02d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }
}
