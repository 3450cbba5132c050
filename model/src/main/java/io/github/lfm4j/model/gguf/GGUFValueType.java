package io.github.lfm4j.model.gguf;

/** Metadata value types of GGUF v2/v3 (gguf.h). */
public enum GGUFValueType {
    UINT8(1), INT8(1), UINT16(2), INT16(2), UINT32(4), INT32(4), FLOAT32(4), BOOL(1),
    STRING(8), ARRAY(12), UINT64(8), INT64(8), FLOAT64(8);

    /** Smallest number of bytes one value of this type can occupy in a file (used to reject absurd counts). */
    public final int minBytes;

    GGUFValueType(int minBytes) {
        this.minBytes = minBytes;
    }

    public static GGUFValueType fromId(int id) {
        GGUFValueType[] all = values();
        return id >= 0 && id < all.length ? all[id] : null;
    }

    public int id() {
        return ordinal();
    }
}
