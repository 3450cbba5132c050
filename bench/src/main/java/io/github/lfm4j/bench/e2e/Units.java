package io.github.lfm4j.bench.e2e;

import java.util.Locale;

/** Number formats of the report, llama-bench style. */
final class Units {
    private Units() {}

    static final String NA = "n.a.";

    /** 1.23 GiB / 45.6 MiB / 789 KiB. */
    static String bytes(long b) {
        if (b >= 1L << 30) return String.format(Locale.ROOT, "%.2f GiB", b / (double) (1L << 30));
        if (b >= 1L << 20) return String.format(Locale.ROOT, "%.1f MiB", b / (double) (1L << 20));
        if (b >= 1L << 10) return String.format(Locale.ROOT, "%.0f KiB", b / (double) (1L << 10));
        return b + " B";
    }

    /** 1.17 B / 2.38 M / 512 K parameters. */
    static String params(long n) {
        if (n >= 1_000_000_000L) return String.format(Locale.ROOT, "%.2f B", n / 1e9);
        if (n >= 1_000_000L) return String.format(Locale.ROOT, "%.2f M", n / 1e6);
        if (n >= 1_000L) return String.format(Locale.ROOT, "%.2f K", n / 1e3);
        return Long.toString(n);
    }

    /** Three decimals: load times of small models are milliseconds. */
    static String fixed3(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }

    /** Two decimals, as llama-bench prints t/s. */
    static String fixed2(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
