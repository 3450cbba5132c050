package io.github.lfm4j.model.gguf;

import java.lang.foreign.MemorySegment;

/**
 * A tensor's header entry together with its bytes, a slice of the memory-mapped file (never copied to the heap).
 */
public record Tensor(GGUFTensorInfo info, MemorySegment data) {

    public String name() {
        return info.name();
    }

    public GGMLType type() {
        return info.type();
    }

    public long[] dims() {
        return info.dims();
    }

    /** Number of rows (product of all dims but the first). */
    public long rows() {
        return info.rows();
    }

    /** Row length in elements (dims[0]). */
    public long cols() {
        return info.cols();
    }

    /** Bytes one row occupies. */
    public long rowBytes() {
        return info.type().byteSize(info.cols());
    }
}
