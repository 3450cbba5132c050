package io.github.lfm4j.tornadovm.engine;

import io.github.lfm4j.runner.engine.Lfm2Model;
import io.github.lfm4j.runner.engine.Session;

import java.nio.file.Path;

/**
 * Measures the GPU engine next to the CPU engine on one model: load (repack) time, first step (weight upload + JIT),
 * greedy decode tokens/s, and with TornadoVM's profiler on, device kernel time and bytes copied per token.
 * Usage: {@code GpuDecodeBench model.gguf [tokens=32] [cpuThreads=0 (all)]}; run on the SDK's argfile.
 */
public final class GpuDecodeBench {
    private GpuDecodeBench() {}

    public static void main(String[] args) {
        Path path = Path.of(args[0]);
        int tokens = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        int context = tokens + 16;
        int[] prompt = {1, 2, 3, 4, 5, 6, 7, 8};

        long t0 = System.nanoTime();
        try (TornadoLfm2Engine gpu = TornadoLfm2Engine.load(path, context)) {
            double loadMs = (System.nanoTime() - t0) / 1e6;
            TornadoLfm2Engine.LoadInfo info = gpu.loadInfo();
            System.out.printf("gpu: %s%n", info.device());
            System.out.printf("gpu: load %.0f ms (repack %.0f ms, first step = upload + JIT %.0f ms), device memory %d MiB"
                            + " (weights %d MiB), tasks %d + %d%n", loadMs, info.repackMillis(), info.firstStepMillis(),
                    info.deviceBytes() >> 20, info.weightBytes() >> 20, info.layerTasks(), info.headTasks());
            TornadoSession s = gpu.session();
            int next = s.prefillGreedy(prompt);
            long t1 = System.nanoTime();
            int[] gpuIds = new int[tokens];
            for (int i = 0; i < tokens; i++) next = gpuIds[i] = s.decodeGreedy(next);
            double gpuMs = (System.nanoTime() - t1) / 1e6 / tokens;
            System.out.printf("gpu: greedy decode %.2f ms/token = %.2f tok/s%n", gpuMs, 1000 / gpuMs);

            s.reset();
            gpu.profile(true);
            next = s.prefillGreedy(prompt);
            gpu.profile(true);
            for (int i = 0; i < tokens; i++) next = s.decodeGreedy(next);
            var p = gpu.profileTotals().orElseThrow();
            gpu.profile(false);
            System.out.printf("gpu (profiler on): device kernel time %.2f ms/token, copied in %d B/token, out %d B/token"
                            + " (%d executes)%n", p.kernelNanos() / 1e6 / tokens, p.bytesIn() / tokens,
                    p.bytesOut() / tokens, p.executions());

            try (Lfm2Model cpuModel = Lfm2Model.load(path, threads)) {
                Session cs = cpuModel.newSession(context);
                float[] l = cs.prefill(prompt);
                int cnext = argmax(l);
                long t2 = System.nanoTime();
                int same = 0;
                for (int i = 0; i < tokens; i++) {
                    cnext = argmax(cs.decode(cnext));
                    if (cnext == gpuIds[i]) same++;
                }
                double cpuMs = (System.nanoTime() - t2) / 1e6 / tokens;
                System.out.printf("cpu (%d threads): greedy decode %.2f ms/token = %.2f tok/s; %d/%d tokens equal to gpu%n",
                        cpuModel.threads(), cpuMs, 1000 / cpuMs, same, tokens);
            }
        }
    }

    private static int argmax(float[] x) {
        int best = 0;
        for (int i = 1; i < x.length; i++) if (x[i] > x[best]) best = i;
        return best;
    }
}
