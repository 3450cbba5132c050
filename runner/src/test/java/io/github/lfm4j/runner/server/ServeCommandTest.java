package io.github.lfm4j.runner.server;

import io.github.lfm4j.runner.cli.Lfm4jCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code lfm4j serve}: bad options and unusable addresses end with one line {@code lfm4j: ...} and exit 1 (2 for a command line that does not parse). */
@Timeout(30)
class ServeCommandTest {
    static final String MODEL = TestModel.FILE.toString();

    /** Runs the CLI and returns its single error line (failing if it is not exactly one line with exit 1). */
    static String errorLine(String... args) {
        return errorLine(false, args);
    }

    /**
     * @param parseError the command line itself does not parse: exit code {@link Lfm4jCli#USAGE_ERROR}
     */
    static String errorLine(boolean parseError, String... args) {
        var cl = Lfm4jCli.create();
        StringWriter out = new StringWriter(), err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        String e = err.toString().strip();
        if (parseError) assertEquals(Lfm4jCli.USAGE_ERROR, exit, "exit code; stderr: " + e);
        else assertEquals(1, exit, "exit code; stderr: " + e);
        assertTrue(e.startsWith("lfm4j: ") && !e.contains("\n"), "one line 'lfm4j: ...', got:\n" + e);
        return e;
    }

    @Test
    void badOptions() {
        assertTrue(errorLine(true, "serve").contains("--model"));
        assertTrue(errorLine("serve", "-m", "no-such.gguf").contains("model file not found: no-such.gguf"));
        assertTrue(errorLine("serve", "-m", MODEL, "--port", "70000").contains("--port must be in [0, 65535]"));
        assertTrue(errorLine("serve", "-m", MODEL, "--parallel", "0").contains("--parallel must be in [1, 256]"));
        assertTrue(errorLine("serve", "-m", MODEL, "--queue", "-1").contains("--queue must be >= 0"));
        assertTrue(errorLine("serve", "-m", MODEL, "--max-body", "10").contains("--max-body must be at least"));
        assertTrue(errorLine("serve", "-m", MODEL, "--device", "tpu").contains("unknown device 'tpu'"));
        assertTrue(errorLine("serve", "-m", MODEL, "--device", "gpu").contains("TornadoVM"));
        assertTrue(errorLine(true, "serve", "-m", MODEL, "--port", "x").contains("(see --help)"));
    }

    @Test
    void aPortInUseIsOneLine() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String e = errorLine("serve", "-m", MODEL, "--port", Integer.toString(taken.getLocalPort()));
            assertTrue(e.contains("cannot listen on 127.0.0.1:" + taken.getLocalPort()), e);
        }
    }
}
