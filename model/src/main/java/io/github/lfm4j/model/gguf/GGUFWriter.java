package io.github.lfm4j.model.gguf;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes GGUF v3 files: metadata in insertion order, tensor infos, then tensor data, each tensor aligned to
 * {@code general.alignment} (32 unless set) and padded with zeros, as ggml's gguf writer lays them out.
 * Tensor bytes are streamed from a {@link TensorSource} so a multi-gigabyte model never sits on the heap.
 */
public final class GGUFWriter {

    /** Produces exactly a tensor's bytes, in ggml's layout for its type. */
    @FunctionalInterface
    public interface TensorSource {
        void writeTo(OutputStream out) throws IOException;
    }

    private record PendingTensor(String name, GGMLType type, long[] dims, TensorSource source) {}

    private final Map<String, GGUFValue> metadata = new LinkedHashMap<>();
    private final List<PendingTensor> tensors = new ArrayList<>();

    public GGUFWriter put(String key, GGUFValue value) {
        metadata.put(key, value);
        return this;
    }

    public GGUFWriter putString(String key, String v) {
        return put(key, GGUFValue.string(v));
    }

    public GGUFWriter putUInt32(String key, long v) {
        return put(key, GGUFValue.uint32(v));
    }

    public GGUFWriter putInt32(String key, int v) {
        return put(key, GGUFValue.int32(v));
    }

    public GGUFWriter putFloat32(String key, float v) {
        return put(key, GGUFValue.float32(v));
    }

    public GGUFWriter putBool(String key, boolean v) {
        return put(key, GGUFValue.bool(v));
    }

    public GGUFWriter putArray(String key, GGUFValueType elementType, Object javaArray) {
        return put(key, GGUFValue.array(elementType, javaArray));
    }

    /** Copies every metadata entry of an open file (used to re-write or transform models). */
    public GGUFWriter putAll(Map<String, GGUFValue> entries) {
        metadata.putAll(entries);
        return this;
    }

    public GGUFWriter addTensor(String name, GGMLType type, long[] dims, TensorSource source) {
        for (PendingTensor t : tensors) {
            if (t.name.equals(name)) throw new IllegalArgumentException("duplicate tensor " + name);
        }
        type.byteSize(Arrays.stream(dims).reduce(1, Math::multiplyExact)); // validates block divisibility
        tensors.add(new PendingTensor(name, type, dims.clone(), source));
        return this;
    }

    /** Convenience for tensors already in memory as raw bytes. */
    public GGUFWriter addTensor(String name, GGMLType type, long[] dims, byte[] bytes) {
        return addTensor(name, type, dims, out -> out.write(bytes));
    }

    private int alignment() {
        GGUFValue v = metadata.get("general.alignment");
        return v == null ? GGUFFile.DEFAULT_ALIGNMENT : ((Number) v.value()).intValue();
    }

    public void write(Path path) throws IOException {
        int alignment = alignment();
        Header h = new Header();
        h.u32(GGUFFile.MAGIC);
        h.u32(3);
        h.u64(tensors.size());
        h.u64(metadata.size());
        for (Map.Entry<String, GGUFValue> e : metadata.entrySet()) {
            h.string(e.getKey());
            h.u32(e.getValue().type().id());
            h.value(e.getValue().type(), e.getValue().value());
        }
        long offset = 0;
        long[] offsets = new long[tensors.size()];
        for (int i = 0; i < tensors.size(); i++) {
            PendingTensor t = tensors.get(i);
            offsets[i] = offset;
            h.string(t.name);
            h.u32(t.dims.length);
            for (long d : t.dims) h.u64(d);
            h.u32(t.type.id);
            h.u64(offset);
            offset = GGUFFile.alignUp(offset + size(t), alignment);
        }
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(path), 1 << 20)) {
            byte[] header = h.toByteArray();
            out.write(header);
            long written = header.length;
            written = pad(out, written, alignment);
            long dataStart = written;
            for (int i = 0; i < tensors.size(); i++) {
                PendingTensor t = tensors.get(i);
                CountingStream cs = new CountingStream(out);
                t.source.writeTo(cs);
                if (cs.count != size(t)) {
                    throw new IllegalStateException("tensor " + t.name + " wrote " + cs.count + " bytes, expected " + size(t));
                }
                written += cs.count;
                if (i + 1 < tensors.size()) written = pad(out, written - dataStart, alignment) + dataStart;
            }
        }
    }

    private static long size(PendingTensor t) {
        return t.type.byteSize(Arrays.stream(t.dims).reduce(1, Math::multiplyExact));
    }

    private static long pad(OutputStream out, long position, int alignment) throws IOException {
        long target = GGUFFile.alignUp(position, alignment);
        for (long p = position; p < target; p++) out.write(0);
        return target;
    }

    private static final class CountingStream extends OutputStream {
        private final OutputStream out;
        long count;

        CountingStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }

    /** Little-endian header bytes. */
    private static final class Header {
        private ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);

        private void ensure(int n) {
            if (buf.remaining() < n) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + n)).order(ByteOrder.LITTLE_ENDIAN);
                buf.flip();
                bigger.put(buf);
                buf = bigger;
            }
        }

        void u8(int v) { ensure(1); buf.put((byte) v); }
        void u16(int v) { ensure(2); buf.putShort((short) v); }
        void u32(long v) { ensure(4); buf.putInt((int) v); }
        void u64(long v) { ensure(8); buf.putLong(v); }
        void f32(float v) { ensure(4); buf.putFloat(v); }
        void f64(double v) { ensure(8); buf.putDouble(v); }

        void string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u64(b.length);
            ensure(b.length);
            buf.put(b);
        }

        void value(GGUFValueType type, Object v) {
            switch (type) {
                case UINT8 -> u8(checked(type, v, 0, 0xFF));
                case INT8 -> u8(checked(type, v, Byte.MIN_VALUE, Byte.MAX_VALUE));
                case UINT16 -> u16(checked(type, v, 0, 0xFFFF));
                case INT16 -> u16(checked(type, v, Short.MIN_VALUE, Short.MAX_VALUE));
                case UINT32 -> u32(checked(type, v, 0, 0xFFFF_FFFFL));
                case INT32 -> u32(checked(type, v, Integer.MIN_VALUE, Integer.MAX_VALUE));
                case UINT64, INT64 -> u64(((Number) v).longValue());
                case FLOAT32 -> f32(((Number) v).floatValue());
                case FLOAT64 -> f64(((Number) v).doubleValue());
                case BOOL -> u8((Boolean) v ? 1 : 0);
                case STRING -> string((String) v);
                case ARRAY -> array((GGUFArray) v);
            }
        }

        /** Refuses to silently truncate a scalar that does not fit its declared type. */
        private static int checked(GGUFValueType type, Object v, long min, long max) {
            long x = ((Number) v).longValue();
            if (x < min || x > max) throw new IllegalArgumentException("metadata value " + x + " does not fit " + type);
            return (int) x;
        }

        void array(GGUFArray a) {
            u32(a.elementType().id());
            u64(a.length());
            switch (a.values()) {
                case byte[] x -> { for (byte b : x) u8(b); }
                case short[] x -> { for (short s : x) u16(s); }
                case int[] x -> { for (int i : x) u32(i); }
                case long[] x -> { for (long l : x) u64(l); }
                case float[] x -> { for (float f : x) f32(f); }
                case double[] x -> { for (double d : x) f64(d); }
                case boolean[] x -> { for (boolean b : x) u8(b ? 1 : 0); }
                case String[] x -> { for (String s : x) string(s); }
                case GGUFArray[] x -> { for (GGUFArray n : x) array(n); }
                default -> throw new IllegalArgumentException("unsupported array " + a.values().getClass());
            }
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buf.array(), buf.position());
        }
    }
}
