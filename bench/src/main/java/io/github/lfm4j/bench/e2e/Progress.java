package io.github.lfm4j.bench.e2e;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Progress on stderr: a bar redrawn in place when stderr is a terminal, otherwise one line per test (so logs and
 * CI output stay readable), or nothing. Notices ({@link #note}) are shown in every mode.
 */
public final class Progress {

    public enum Mode { BAR, LINES, NONE }

    private static final int BAR_WIDTH = 30;
    private final PrintWriter err;
    private final Mode mode;
    private final int total;
    private int done;
    private String label = "";
    private boolean barShown;

    public Progress(PrintWriter err, Mode mode, int total) {
        this.err = err;
        this.mode = mode;
        this.total = Math.max(total, 1);
    }

    /** BAR when file descriptor 2 is a terminal, else LINES. */
    public static Mode auto() {
        return stderrIsTerminal() ? Mode.BAR : Mode.LINES;
    }

    /** Linux: fd 2 links to a tty or pty. Elsewhere we cannot tell for stderr alone, so no bar. */
    static boolean stderrIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    /** A new test or phase starts. */
    public void begin(String what) {
        label = what;
        if (mode == Mode.LINES) {
            err.println("bench: " + what);
            err.flush();
        } else if (mode == Mode.BAR) {
            draw();
        }
    }

    /** One unit of work (a run) finished. */
    public void advance() {
        done = Math.min(done + 1, total);
        if (mode == Mode.BAR) draw();
    }

    /** A message that must stay visible in every mode (printed as its own line, above the bar). */
    public void note(String message) {
        boolean redraw = barShown;
        if (barShown) err.print("\r\u001b[K");
        err.println("bench: " + message);
        barShown = false;
        if (redraw) draw(); // only a bar that was on screen comes back: none after finish()
        err.flush();
    }

    /** Removes the bar. */
    public void finish() {
        if (mode == Mode.BAR && barShown) {
            err.print("\r\u001b[K");
            err.flush();
            barShown = false;
        }
    }

    private void draw() {
        int filled = (int) ((long) done * BAR_WIDTH / total);
        String bar = "=".repeat(filled) + (filled < BAR_WIDTH ? ">" + " ".repeat(BAR_WIDTH - filled - 1) : "");
        err.print(String.format(Locale.ROOT, "\r[%s] %3d%% %s\u001b[K", bar, done * 100 / total, label));
        err.flush();
        barShown = true;
    }
}
