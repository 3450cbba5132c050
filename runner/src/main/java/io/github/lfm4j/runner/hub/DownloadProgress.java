package io.github.lfm4j.runner.hub;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Download progress on standard error: on a terminal one line redrawn in place (bytes, percentage, rate, ETA) at
 * most five times a second; otherwise (a log, CI) a line at every 10 %, so logs stay short.
 */
public final class DownloadProgress {
    private final PrintStream out;
    private final boolean terminal;
    private final String name;
    private final long total;
    private long startNanos, startBytes, lastDraw;
    private int lastDecile = -1;
    private boolean drew;

    DownloadProgress(PrintStream out, boolean terminal, String name, long total) {
        this.out = out;
        this.terminal = terminal;
        this.name = name;
        this.total = total;
    }

    /** Silent progress (library use without a sink). */
    static DownloadProgress none() {
        return new DownloadProgress(null, false, "", -1);
    }

    /** Called when bytes start to flow, with what is already on disk (a resumed download). */
    void start(long have) {
        startNanos = System.nanoTime();
        startBytes = have;
        if (out != null && have > 0) out.println("lfm4j: resuming " + name + " at " + bytes(have));
    }

    void advance(long have) {
        if (out == null) return;
        long now = System.nanoTime();
        if (terminal) {
            if (now - lastDraw < 200_000_000L && have != total) return;
            lastDraw = now;
            out.print("\r" + line(have, now) + "   ");
            drew = true;
            if (have == total) finish();
        } else if (total > 0) {
            int decile = (int) (have * 10 / total);
            if (decile > lastDecile) {
                lastDecile = decile;
                out.println(line(have, now));
            }
        }
    }

    /** Ends the redrawn line. */
    void finish() {
        if (out != null && terminal && drew) {
            out.println();
            drew = false;
        }
    }

    private String line(long have, long now) {
        double secs = Math.max((now - startNanos) / 1e9, 1e-3);
        double rate = (have - startBytes) / secs;
        StringBuilder b = new StringBuilder(name).append(' ');
        if (total > 0) {
            b.append(String.format(Locale.ROOT, "%3d%% ", have * 100 / total)).append(bytes(have)).append(" / ").append(bytes(total));
            if (rate > 0 && have < total) b.append(", ETA ").append(duration((total - have) / rate));
        } else {
            b.append(bytes(have));
        }
        return b.append(", ").append(bytes((long) rate)).append("/s").toString();
    }

    /** Human-readable size, binary units (also {@code lfm4j info}'s). */
    public static String bytes(long n) {
        if (n < 1024) return n + " B";
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    private static String duration(double seconds) {
        long s = (long) Math.ceil(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
