package io.github.lfm4j.model.lfm2;

import io.github.lfm4j.model.gguf.GGMLType;
import io.github.lfm4j.model.gguf.GGUFFile;
import io.github.lfm4j.model.gguf.GGUFFormatException;
import io.github.lfm4j.model.gguf.Tensor;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Every LFM2 weight tensor, looked up by llama.cpp's tensor names and checked against the config's shapes.
 * The tensors are views of the memory-mapped file; nothing is copied.
 *
 * <p>Shapes are given as GGUF dims ({@code [cols, rows]}): a projection from n inputs to m outputs is {@code [n, m]}.
 */
public record Lfm2Weights(Lfm2Config config, Tensor tokenEmbedding, Tensor outputNorm, Tensor output,
                          Layer[] layers) {

    /** One block; attention fields are null for conv layers and conv fields null for attention layers. */
    public record Layer(Tensor attnNorm, Tensor ffnNorm, Tensor ffnGate, Tensor ffnUp, Tensor ffnDown,
                        Tensor wq, Tensor wk, Tensor wv, Tensor wo, Tensor qNorm, Tensor kNorm,
                        Tensor convInProj, Tensor conv, Tensor convOutProj) {
        public boolean isAttention() {
            return wq != null;
        }
    }

    /** True when the output projection is the token embedding (no output.weight in the file). */
    public boolean tiedOutput() {
        return output == tokenEmbedding;
    }

    public static Lfm2Weights load(GGUFFile f, Lfm2Config c) {
        int d = c.dim(), hd = c.headDim();
        Tensor embd = require(f, "token_embd.weight", d, c.vocabSize());
        Tensor norm = require(f, "token_embd_norm.weight", d);
        Tensor out = f.tensorInfo("output.weight") != null ? require(f, "output.weight", d, c.vocabSize()) : embd;
        Layer[] layers = new Layer[c.layers()];
        for (int i = 0; i < c.layers(); i++) {
            String p = "blk." + i + ".";
            Tensor attnNorm = require(f, p + "attn_norm.weight", d);
            Tensor ffnNorm = require(f, p + "ffn_norm.weight", d);
            Tensor gate = require(f, p + "ffn_gate.weight", d, c.ffnDim());
            Tensor up = require(f, p + "ffn_up.weight", d, c.ffnDim());
            Tensor down = require(f, p + "ffn_down.weight", c.ffnDim(), d);
            if (c.isAttention(i)) {
                int kvDim = c.kvHeads()[i] * hd;
                layers[i] = new Layer(attnNorm, ffnNorm, gate, up, down,
                        require(f, p + "attn_q.weight", d, c.heads() * hd),
                        require(f, p + "attn_k.weight", d, kvDim),
                        require(f, p + "attn_v.weight", d, kvDim),
                        require(f, p + "attn_output.weight", c.heads() * hd, d),
                        require(f, p + "attn_q_norm.weight", hd),
                        require(f, p + "attn_k_norm.weight", hd),
                        null, null, null);
            } else {
                layers[i] = new Layer(attnNorm, ffnNorm, gate, up, down,
                        null, null, null, null, null, null,
                        require(f, p + "shortconv.in_proj.weight", d, 3 * d),
                        require(f, p + "shortconv.conv.weight", c.convCache(), d),
                        require(f, p + "shortconv.out_proj.weight", d, d));
            }
        }
        return new Lfm2Weights(c, embd, norm, out, layers);
    }

    private static Tensor require(GGUFFile f, String name, long... dims) {
        Tensor t = f.tensor(name);
        if (t == null) throw new GGUFFormatException(f.path() + ": missing tensor '" + name + "'");
        if (!Arrays.equals(t.dims(), dims)) {
            throw new GGUFFormatException(f.path() + ": tensor '" + name + "' has shape " + Arrays.toString(t.dims())
                    + ", expected " + Arrays.toString(dims));
        }
        if (!t.type().supported) {
            throw new GGUFFormatException(f.path() + ": tensor '" + name + "' has type " + t.type()
                    + ", which lfm4j does not support (supported: " + supportedTypes() + ")");
        }
        return t;
    }

    static String supportedTypes() {
        return Arrays.stream(GGMLType.values()).filter(t -> t.supported).map(Enum::name).collect(Collectors.joining(", "));
    }

    /** Total bytes of all weight tensors (the tied output counted once). */
    public long weightBytes() {
        long total = tokenEmbedding.data().byteSize() + outputNorm.data().byteSize();
        if (!tiedOutput()) total += output.data().byteSize();
        for (Layer l : layers) {
            for (Tensor t : new Tensor[]{l.attnNorm, l.ffnNorm, l.ffnGate, l.ffnUp, l.ffnDown, l.wq, l.wk, l.wv, l.wo,
                    l.qNorm, l.kNorm, l.convInProj, l.conv, l.convOutProj}) {
                if (t != null) total += t.data().byteSize();
            }
        }
        return total;
    }
}
