package io.github.lfm4j.runner.engine;

import io.github.lfm4j.model.ModelFiles;
import io.github.lfm4j.model.gguf.GGUFFile;
import io.github.lfm4j.model.gguf.Tensor;
import io.github.lfm4j.model.lfm2.Lfm2Config;
import io.github.lfm4j.model.lfm2.Lfm2Weights;
import io.github.lfm4j.model.quant.Dequantizer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An independent, deliberately naive float64 LFM2 forward pass for tests: every weight dequantized to double[],
 * one token at a time, plain loops, full history kept (no caches shared with the engine). Written from the model
 * definition (HF Lfm2 / llama.cpp lfm2 graph), not from the engine's code.
 */
final class ReferenceLfm2 {
    private final Lfm2Config c;
    private final double[][] embd, output;         // [vocab][dim]
    private final double[] outNorm;
    private final RefLayer[] layers;
    private final List<double[]>[] keys, values;  // per layer: per position, kvHeads*headDim
    private final List<double[]>[] convInputs;    // per layer: per position, B ⊙ x
    private int pos;

    private record RefLayer(double[] attnNorm, double[] ffnNorm, double[][] gate, double[][] up, double[][] down,
                            double[][] wq, double[][] wk, double[][] wv, double[][] wo, double[] qNorm, double[] kNorm,
                            double[][] inProj, double[][] convW, double[][] outProj) {}

    @SuppressWarnings("unchecked")
    ReferenceLfm2(Path path) {
        try (GGUFFile f = ModelFiles.open(path)) { // a GGUF file or a checkpoint directory
            c = Lfm2Config.from(f);
            Lfm2Weights w = Lfm2Weights.load(f, c);
            embd = matrix(w.tokenEmbedding());
            output = w.tiedOutput() ? embd : matrix(w.output());
            outNorm = vector(w.outputNorm());
            layers = new RefLayer[c.layers()];
            for (int i = 0; i < layers.length; i++) {
                Lfm2Weights.Layer l = w.layers()[i];
                layers[i] = new RefLayer(vector(l.attnNorm()), vector(l.ffnNorm()), matrix(l.ffnGate()),
                        matrix(l.ffnUp()), matrix(l.ffnDown()), matrix(l.wq()), matrix(l.wk()), matrix(l.wv()),
                        matrix(l.wo()), vector(l.qNorm()), vector(l.kNorm()), matrix(l.convInProj()),
                        matrix(l.conv()), matrix(l.convOutProj()));
            }
        }
        keys = new List[c.layers()];
        values = new List[c.layers()];
        convInputs = new List[c.layers()];
        for (int i = 0; i < c.layers(); i++) {
            keys[i] = new ArrayList<>();
            values[i] = new ArrayList<>();
            convInputs[i] = new ArrayList<>();
        }
    }

    Lfm2Config config() {
        return c;
    }

    /** Logits after feeding {@code token} at the next position. */
    double[] next(int token) {
        int d = c.dim();
        double[] x = embd[token].clone();
        for (int li = 0; li < layers.length; li++) {
            RefLayer L = layers[li];
            double[] h = rmsnorm(x, L.attnNorm);
            double[] o = L.wq != null ? attention(li, L, h) : shortConv(li, L, h);
            for (int i = 0; i < d; i++) x[i] += o[i];
            double[] h2 = rmsnorm(x, L.ffnNorm);
            double[] g = mv(L.gate, h2), u = mv(L.up, h2);
            for (int i = 0; i < g.length; i++) g[i] = g[i] / (1 + Math.exp(-g[i])) * u[i];
            double[] f = mv(L.down, g);
            for (int i = 0; i < d; i++) x[i] += f[i];
        }
        pos++;
        return mv(output, rmsnorm(x, outNorm));
    }

    /** Feeds all tokens; returns the logits after the last. */
    double[] feed(int[] tokens) {
        double[] l = null;
        for (int t : tokens) l = next(t);
        return l;
    }

    private double[] shortConv(int li, RefLayer L, double[] h) {
        int d = c.dim(), K = c.convCache();
        double[] bcx = mv(L.inProj, h);
        double[] bx = new double[d];
        for (int i = 0; i < d; i++) bx[i] = bcx[i] * bcx[2 * d + i];
        convInputs[li].add(bx);
        int now = convInputs[li].size() - 1;
        double[] y = new double[d];
        for (int ch = 0; ch < d; ch++) {
            double s = 0;
            for (int j = 0; j < K; j++) {
                int p = now - (K - 1 - j); // tap K-1 is this position, tap 0 is K-1 steps back
                if (p >= 0) s += L.convW[ch][j] * convInputs[li].get(p)[ch];
            }
            y[ch] = bcx[d + ch] * s;
        }
        return mv(L.outProj, y);
    }

    private double[] attention(int li, RefLayer L, double[] h) {
        int hd = c.headDim(), nh = c.heads(), nkv = c.kvHeads()[li];
        double[] q = mv(L.wq, h), k = mv(L.wk, h), v = mv(L.wv, h);
        for (int hh = 0; hh < nh; hh++) normRope(q, hh * hd, L.qNorm);
        for (int g = 0; g < nkv; g++) normRope(k, g * hd, L.kNorm);
        keys[li].add(k);
        values[li].add(v);
        int n = keys[li].size();
        double[] out = new double[nh * hd];
        for (int hh = 0; hh < nh; hh++) {
            int g = hh / (nh / nkv);
            double[] s = new double[n];
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < n; j++) {
                double dot = 0;
                for (int i = 0; i < hd; i++) dot += q[hh * hd + i] * keys[li].get(j)[g * hd + i];
                s[j] = dot / Math.sqrt(hd);
                max = Math.max(max, s[j]);
            }
            double z = 0;
            for (int j = 0; j < n; j++) z += (s[j] = Math.exp(s[j] - max));
            for (int j = 0; j < n; j++) {
                for (int i = 0; i < hd; i++) out[hh * hd + i] += s[j] / z * values[li].get(j)[g * hd + i];
            }
        }
        return mv(L.wo, out);
    }

    /** Per-head RMSNorm, then NEOX rotary embedding (pairs i and i + hd/2). */
    private void normRope(double[] v, int off, double[] w) {
        int hd = c.headDim();
        double[] head = new double[hd];
        System.arraycopy(v, off, head, 0, hd);
        head = rmsnorm(head, w);
        for (int i = 0; i < hd / 2; i++) {
            double theta = pos * Math.pow(c.ropeTheta(), -2.0 * i / hd);
            double a = head[i], b = head[i + hd / 2];
            v[off + i] = a * Math.cos(theta) - b * Math.sin(theta);
            v[off + i + hd / 2] = a * Math.sin(theta) + b * Math.cos(theta);
        }
    }

    private double[] rmsnorm(double[] x, double[] w) {
        double ss = 0;
        for (double e : x) ss += e * e;
        double scale = 1 / Math.sqrt(ss / x.length + c.rmsEps());
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) out[i] = x[i] * scale * w[i];
        return out;
    }

    private static double[] mv(double[][] m, double[] x) {
        double[] out = new double[m.length];
        for (int r = 0; r < m.length; r++) {
            double s = 0;
            for (int i = 0; i < x.length; i++) s += m[r][i] * x[i];
            out[r] = s;
        }
        return out;
    }

    private static double[] vector(Tensor t) {
        if (t == null) return null;
        float[] f = Dequantizer.dequantizeAll(t);
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }

    private static double[][] matrix(Tensor t) {
        if (t == null) return null;
        int rows = Math.toIntExact(t.rows()), cols = Math.toIntExact(t.cols());
        double[][] m = new double[rows][cols];
        float[] row = new float[cols];
        for (int r = 0; r < rows; r++) {
            Dequantizer.dequantizeRow(t, r, row);
            for (int i = 0; i < cols; i++) m[r][i] = row[i];
        }
        return m;
    }
}
