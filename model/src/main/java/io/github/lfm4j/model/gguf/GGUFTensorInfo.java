package io.github.lfm4j.model.gguf;

import java.util.Arrays;

/**
 * One tensor's header entry. {@code dims[0]} is the innermost (contiguous) dimension, as in ggml's {@code ne[0]}:
 * a weight matrix with dims {@code [cols, rows]} stores {@code rows} rows of {@code cols} values each.
 * {@code offset} is relative to the start of the file's data section.
 */
public record GGUFTensorInfo(String name, long[] dims, GGMLType type, long offset) {

    public long elementCount() {
        long n = 1;
        for (long d : dims) n = Math.multiplyExact(n, d);
        return n;
    }

    public long byteSize() {
        return type.byteSize(elementCount());
    }

    /** Number of rows: the product of every dimension but the first. */
    public long rows() {
        return elementCount() / dims[0];
    }

    public long cols() {
        return dims[0];
    }

    public String shape() {
        return Arrays.toString(dims);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GGUFTensorInfo t && t.name.equals(name) && Arrays.equals(t.dims, dims) && t.type == type && t.offset == offset;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(dims);
    }
}
