package io.github.lfm4j.kernels.cache;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How the attention layers' keys or values are stored, with llama.cpp's names ({@code -ctk}/{@code -ctv}).
 * Both engines store every position's head vector the same way, so results agree across engines per type:
 * <ul>
 *   <li>{@link #F32}: the float as computed;</li>
 *   <li>{@link #F16}: IEEE half, rounded to nearest even ({@link Float#floatToFloat16});</li>
 *   <li>{@link #Q8_0}: ggml's q8_0 per block of 32 consecutive values of one position's head vector: scale
 *       {@code d = amax / 127} rounded to half, quants {@code round(x / d)} in [-127, 127] (as
 *       {@code quantize_row_q8_0_ref}).</li>
 * </ul>
 */
public enum KvCacheType {
    F32("f32", 32, 32 * 4),
    F16("f16", 32, 32 * 2),
    Q8_0("q8_0", 32, 32 + 2);

    /** The default of both engines, as llama.cpp's. */
    public static final KvCacheType DEFAULT = F16;

    private final String id;
    private final int blockValues, blockBytes;

    KvCacheType(String id, int blockValues, int blockBytes) {
        this.id = id;
        this.blockValues = blockValues;
        this.blockBytes = blockBytes;
    }

    /** The name on the command line and in reports: f32, f16, q8_0. */
    public String id() {
        return id;
    }

    /** Bytes that {@code values} values take in this type as ggml counts them (q8_0: 34 bytes per 32). */
    public long bytesFor(long values) {
        return values / blockValues * blockBytes + (values % blockValues) * blockBytes / blockValues;
    }

    /** Parses llama.cpp's name (case-insensitive); a one-line IllegalArgumentException names the accepted ones. */
    public static KvCacheType parse(String s) {
        String key = s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
        for (KvCacheType t : values()) if (t.id.equals(key)) return t;
        throw new IllegalArgumentException("unknown KV cache type '" + s + "': expected one of "
                + Arrays.stream(values()).map(KvCacheType::id).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return id;
    }
}
