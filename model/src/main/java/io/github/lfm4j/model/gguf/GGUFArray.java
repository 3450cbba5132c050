package io.github.lfm4j.model.gguf;

import java.util.Arrays;
import java.util.Objects;

/**
 * A metadata array value. {@code values} is a Java array chosen by element type: {@code byte[]} (UINT8/INT8),
 * {@code short[]} (UINT16/INT16), {@code int[]} (UINT32/INT32), {@code long[]} (UINT64/INT64), {@code float[]},
 * {@code double[]}, {@code boolean[]}, {@code String[]}, or {@code GGUFArray[]} for nested arrays.
 */
public record GGUFArray(GGUFValueType elementType, Object values) {

    public GGUFArray {
        Objects.requireNonNull(elementType);
        Objects.requireNonNull(values);
    }

    public int length() {
        return java.lang.reflect.Array.getLength(values);
    }

    /** Integer elements widened to int (unsigned 8/16-bit values are read unsigned). */
    public int[] toIntArray() {
        return switch (values) {
            case int[] a -> a.clone();
            case byte[] a -> {
                int[] r = new int[a.length];
                for (int i = 0; i < a.length; i++) r[i] = elementType == GGUFValueType.UINT8 ? a[i] & 0xFF : a[i];
                yield r;
            }
            case short[] a -> {
                int[] r = new int[a.length];
                for (int i = 0; i < a.length; i++) r[i] = elementType == GGUFValueType.UINT16 ? a[i] & 0xFFFF : a[i];
                yield r;
            }
            case long[] a -> {
                int[] r = new int[a.length];
                for (int i = 0; i < a.length; i++) r[i] = Math.toIntExact(a[i]);
                yield r;
            }
            case boolean[] a -> {
                int[] r = new int[a.length];
                for (int i = 0; i < a.length; i++) r[i] = a[i] ? 1 : 0;
                yield r;
            }
            default -> throw new GGUFFormatException("metadata array of " + elementType + " is not an integer array");
        };
    }

    public float[] toFloatArray() {
        return switch (values) {
            case float[] a -> a.clone();
            case double[] a -> {
                float[] r = new float[a.length];
                for (int i = 0; i < a.length; i++) r[i] = (float) a[i];
                yield r;
            }
            default -> {
                int[] ints = toIntArray();
                float[] r = new float[ints.length];
                for (int i = 0; i < ints.length; i++) r[i] = ints[i];
                yield r;
            }
        };
    }

    public String[] toStringArray() {
        if (values instanceof String[] a) return a.clone();
        throw new GGUFFormatException("metadata array of " + elementType + " is not a string array");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GGUFArray(GGUFValueType t, Object v) && t == elementType && Arrays.deepEquals(new Object[]{values}, new Object[]{v});
    }

    @Override
    public int hashCode() {
        return 31 * elementType.hashCode() + Arrays.deepHashCode(new Object[]{values});
    }

    @Override
    public String toString() {
        return elementType + "[" + length() + "]";
    }
}
