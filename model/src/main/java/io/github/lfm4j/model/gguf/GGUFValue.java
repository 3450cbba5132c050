package io.github.lfm4j.model.gguf;

import java.util.Objects;

/**
 * A typed metadata value. Java representation by type: UINT8, INT8, UINT16, INT16, INT32 as {@link Integer};
 * UINT32, UINT64, INT64 as {@link Long}; FLOAT32 as {@link Float}; FLOAT64 as {@link Double}; BOOL as
 * {@link Boolean}; STRING as {@link String}; ARRAY as {@link GGUFArray}. The type is kept so that a file can be
 * re-written bit-exactly.
 */
public record GGUFValue(GGUFValueType type, Object value) {

    public GGUFValue {
        Objects.requireNonNull(type);
        Objects.requireNonNull(value);
    }

    public static GGUFValue uint32(long v) {
        return new GGUFValue(GGUFValueType.UINT32, v);
    }

    public static GGUFValue int32(int v) {
        return new GGUFValue(GGUFValueType.INT32, v);
    }

    public static GGUFValue uint64(long v) {
        return new GGUFValue(GGUFValueType.UINT64, v);
    }

    public static GGUFValue float32(float v) {
        return new GGUFValue(GGUFValueType.FLOAT32, v);
    }

    public static GGUFValue bool(boolean v) {
        return new GGUFValue(GGUFValueType.BOOL, v);
    }

    public static GGUFValue string(String v) {
        return new GGUFValue(GGUFValueType.STRING, v);
    }

    public static GGUFValue array(GGUFValueType elementType, Object javaArray) {
        return new GGUFValue(GGUFValueType.ARRAY, new GGUFArray(elementType, javaArray));
    }

    @Override
    public String toString() {
        return type == GGUFValueType.STRING ? '"' + (String) value + '"' : String.valueOf(value);
    }
}
