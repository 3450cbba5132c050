package io.github.lfm4j.model.gguf;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A GGUF v2/v3 file, memory-mapped read-only with the FFM API. Metadata and tensor infos are parsed eagerly
 * (every length and count is checked against the bytes left in the file, so a malformed header can neither make
 * the reader allocate more than the file holds nor loop); tensor bytes stay in the mapping and are handed out as
 * {@link MemorySegment} slices. The mapping uses a shared arena: many threads may read concurrently; {@link #close()}
 * unmaps it, after which the tensors' segments must no longer be used.
 */
public final class GGUFFile implements AutoCloseable {

    public static final int MAGIC = 0x46554747; // "GGUF" read as a little-endian uint32
    public static final int DEFAULT_ALIGNMENT = 32;
    static final int MAX_DIMS = 4;
    /** Longest string accepted in a header: far beyond any real key, token or chat template. */
    static final long MAX_STRING_BYTES = 64L << 20;

    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Path path;
    private final Arena arena;
    private final MemorySegment file;
    private final int version;
    private final Map<String, GGUFValue> metadata;
    private final List<GGUFTensorInfo> tensorInfos;
    private final Map<String, GGUFTensorInfo> tensorsByName;
    private final int alignment;
    private final long dataOffset;
    /** Tensor bytes by name for an {@link #assembled} view (no file of its own); null for a real GGUF file. */
    private final Map<String, MemorySegment> assembledData;
    private final long assembledBytes;

    private long pos; // parse cursor, used only while opening

    private GGUFFile(Path path, Arena arena, Map<String, GGUFValue> metadata, List<Tensor> tensors, long sourceBytes) {
        this.path = path;
        this.arena = arena;
        this.file = null;
        this.version = 3;
        this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        this.alignment = DEFAULT_ALIGNMENT;
        this.dataOffset = 0;
        List<GGUFTensorInfo> infos = new ArrayList<>(tensors.size());
        Map<String, GGUFTensorInfo> byName = new HashMap<>();
        Map<String, MemorySegment> data = new HashMap<>();
        for (Tensor t : tensors) {
            if (t.data().byteSize() != t.info().byteSize()) {
                throw new IllegalArgumentException("tensor '" + t.name() + "' has " + t.data().byteSize()
                        + " bytes, its shape and type need " + t.info().byteSize());
            }
            if (byName.put(t.name(), t.info()) != null) throw fail("duplicate tensor name '" + t.name() + "'");
            infos.add(t.info());
            data.put(t.name(), t.data());
        }
        this.tensorInfos = Collections.unmodifiableList(infos);
        this.tensorsByName = byName;
        this.assembledData = data;
        this.assembledBytes = sourceBytes;
    }

    private GGUFFile(Path path, Arena arena, MemorySegment file) {
        this.path = path;
        this.arena = arena;
        this.file = file;
        this.assembledData = null;
        this.assembledBytes = 0;
        int magic = readI32("magic");
        if (magic != MAGIC) {
            throw fail("not a GGUF file (bad magic " + String.format("0x%08x", magic) + ")");
        }
        int v = readI32("version");
        if (v == 1) throw fail("GGUF version 1 is not supported (only versions 2 and 3)");
        if (v != 2 && v != 3) {
            if (Integer.reverseBytes(v) == 2 || Integer.reverseBytes(v) == 3) {
                throw fail("big-endian GGUF files are not supported");
            }
            throw fail("unsupported GGUF version " + Integer.toUnsignedString(v) + " (only versions 2 and 3)");
        }
        this.version = v;
        long tensorCount = readU64("tensor count");
        long kvCount = readU64("metadata count");
        // Each metadata entry needs at least 8 (key length) + 4 (type) + 1 bytes; each tensor info at least 8+4+8+4+8.
        checkCount(kvCount, 13, "metadata entry count");
        Map<String, GGUFValue> md = new LinkedHashMap<>();
        for (long i = 0; i < kvCount; i++) {
            String key = readString("metadata key");
            int typeId = readI32("metadata type of '" + key + "'");
            GGUFValueType type = GGUFValueType.fromId(typeId);
            if (type == null) throw fail("metadata '" + key + "' has unknown value type " + typeId);
            Object value = readValue(type, key, 0);
            if (md.put(key, new GGUFValue(type, value)) != null) throw fail("duplicate metadata key '" + key + "'");
        }
        this.metadata = Collections.unmodifiableMap(md);
        checkCount(tensorCount, 32, "tensor count");

        GGUFValue al = md.get("general.alignment");
        int align = DEFAULT_ALIGNMENT;
        if (al != null) {
            if (!(al.value() instanceof Number n) || n.longValue() <= 0 || n.longValue() > (1 << 20) || Long.bitCount(n.longValue()) != 1) {
                throw fail("general.alignment must be a power of two, got " + al.value());
            }
            align = n.intValue();
        }
        this.alignment = align;

        List<GGUFTensorInfo> infos = new ArrayList<>((int) tensorCount);
        Map<String, GGUFTensorInfo> byName = new HashMap<>();
        for (long i = 0; i < tensorCount; i++) {
            GGUFTensorInfo info = readTensorInfo();
            if (byName.put(info.name(), info) != null) throw fail("duplicate tensor name '" + info.name() + "'");
            infos.add(info);
        }
        this.tensorInfos = Collections.unmodifiableList(infos);
        this.tensorsByName = byName;
        this.dataOffset = alignUp(pos, alignment);
        for (GGUFTensorInfo t : infos) {
            long end = dataOffset + t.offset() + t.byteSize();
            if (end > file.byteSize() || end < 0) {
                throw fail("tensor '" + t.name() + "' data ends at byte " + end + " but the file has only "
                        + file.byteSize() + " bytes (truncated file?)");
            }
        }
    }

    /**
     * Opens and validates a GGUF file. Every problem (missing file, truncation, malformed header) is reported as
     * a {@link GGUFFormatException} with a one-line message naming the file.
     */
    public static GGUFFile open(Path path) {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            if (Files.isDirectory(path)) throw new GGUFFormatException(path + ": is a directory, not a GGUF file");
            long size = ch.size();
            if (size < 24) {
                throw new GGUFFormatException(path + ": not a GGUF file (only " + size + " bytes, truncated?)");
            }
            MemorySegment seg = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            return new GGUFFile(path, arena, seg);
        } catch (NoSuchFileException e) {
            arena.close();
            throw new GGUFFormatException(path + ": no such file");
        } catch (AccessDeniedException e) {
            arena.close();
            throw new GGUFFormatException(path + ": permission denied");
        } catch (IOException e) {
            arena.close();
            throw new GGUFFormatException(path + ": cannot read (" + e.getMessage() + ")");
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /**
     * A GGUF view of a model stored in another container (a Hugging Face checkpoint directory): metadata and tensors
     * under GGUF names, so that everything reading GGUF files (config, weights, tokenizer, chat template) reads it
     * unchanged. The tensors' bytes are slices of mappings owned by {@code arena}, which {@link #close()} closes.
     *
     * @param source      where the model came from, used in messages and as {@link #path()}
     * @param sourceBytes the size of the files it was assembled from ({@link #fileSize()})
     */
    public static GGUFFile assembled(Path source, Arena arena, Map<String, GGUFValue> metadata, List<Tensor> tensors,
                                     long sourceBytes) {
        return new GGUFFile(source, arena, metadata, tensors, sourceBytes);
    }

    /** True for an {@link #assembled} view, false for a GGUF file. */
    public boolean isAssembled() {
        return assembledData != null;
    }

    // ---- accessors --------------------------------------------------------------------------------------------

    public Path path() {
        return path;
    }

    public int version() {
        return version;
    }

    public long fileSize() {
        return file != null ? file.byteSize() : assembledBytes;
    }

    public int alignment() {
        return alignment;
    }

    /** Byte offset in the file where tensor data starts. */
    public long dataOffset() {
        return dataOffset;
    }

    /** All metadata in file order. */
    public Map<String, GGUFValue> metadata() {
        return metadata;
    }

    public List<GGUFTensorInfo> tensorInfos() {
        return tensorInfos;
    }

    public boolean has(String key) {
        return metadata.containsKey(key);
    }

    public GGUFTensorInfo tensorInfo(String name) {
        return tensorsByName.get(name);
    }

    /** The named tensor with its mapped bytes, or null when the file has no such tensor. */
    public Tensor tensor(String name) {
        GGUFTensorInfo info = tensorsByName.get(name);
        if (info == null) return null;
        if (assembledData != null) return new Tensor(info, assembledData.get(name));
        return new Tensor(info, file.asSlice(dataOffset + info.offset(), info.byteSize()));
    }

    public Object get(String key) {
        GGUFValue v = metadata.get(key);
        return v == null ? null : v.value();
    }

    public String getString(String key, String defaultValue) {
        Object v = get(key);
        if (v == null) return defaultValue;
        if (v instanceof String s) return s;
        throw new GGUFFormatException(path + ": metadata '" + key + "' should be a string, is " + metadata.get(key).type());
    }

    public String requireString(String key) {
        String s = getString(key, null);
        if (s == null) throw new GGUFFormatException(path + ": missing metadata '" + key + "'");
        return s;
    }

    public long getLong(String key, long defaultValue) {
        Object v = get(key);
        if (v == null) return defaultValue;
        if (v instanceof Integer || v instanceof Long) return ((Number) v).longValue();
        throw new GGUFFormatException(path + ": metadata '" + key + "' should be an integer, is " + metadata.get(key).type());
    }

    public int getInt(String key, int defaultValue) {
        long v = getLong(key, defaultValue);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new GGUFFormatException(path + ": metadata '" + key + "' is out of range: " + v);
        }
        return (int) v;
    }

    public int requireInt(String key) {
        if (!has(key)) throw new GGUFFormatException(path + ": missing metadata '" + key + "'");
        return getInt(key, 0);
    }

    public float getFloat(String key, float defaultValue) {
        Object v = get(key);
        if (v == null) return defaultValue;
        if (v instanceof Number n) return n.floatValue();
        throw new GGUFFormatException(path + ": metadata '" + key + "' should be a number, is " + metadata.get(key).type());
    }

    public boolean getBool(String key, boolean defaultValue) {
        Object v = get(key);
        if (v == null) return defaultValue;
        if (v instanceof Boolean b) return b;
        throw new GGUFFormatException(path + ": metadata '" + key + "' should be a bool, is " + metadata.get(key).type());
    }

    /** The array stored under key, or null. */
    public GGUFArray getArray(String key) {
        Object v = get(key);
        if (v == null) return null;
        if (v instanceof GGUFArray a) return a;
        throw new GGUFFormatException(path + ": metadata '" + key + "' should be an array, is " + metadata.get(key).type());
    }

    @Override
    public void close() {
        arena.close();
    }

    // ---- parsing ----------------------------------------------------------------------------------------------

    private GGUFFormatException fail(String message) {
        return new GGUFFormatException(path + ": " + message);
    }

    private void need(long bytes, String what) {
        if (bytes < 0 || pos + bytes > file.byteSize()) {
            throw fail("truncated file: " + what + " at byte " + pos + " needs " + bytes + " bytes, the file has "
                    + file.byteSize());
        }
    }

    private void checkCount(long count, long minBytesEach, String what) {
        long left = file.byteSize() - pos;
        if (count < 0 || count > left / minBytesEach) {
            // A real count in a cut-off file and a garbage count look the same from here: say both.
            throw fail("truncated or corrupt file: " + what + " " + Long.toUnsignedString(count) + " cannot fit in the "
                    + left + " bytes left");
        }
    }

    private int readI32(String what) {
        need(4, what);
        int v = file.get(I32, pos);
        pos += 4;
        return v;
    }

    private long readU64(String what) {
        need(8, what);
        long v = file.get(I64, pos);
        pos += 8;
        return v;
    }

    private String readString(String what) {
        long len = readU64(what + " length");
        if (len < 0 || len > MAX_STRING_BYTES) throw fail("absurd " + what + " length " + Long.toUnsignedString(len));
        need(len, what);
        byte[] bytes = file.asSlice(pos, len).toArray(ValueLayout.JAVA_BYTE);
        pos += len;
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private Object readValue(GGUFValueType type, String key, int depth) {
        String what = "metadata '" + key + "'";
        return switch (type) {
            case UINT8 -> { need(1, what); yield file.get(ValueLayout.JAVA_BYTE, pos++) & 0xFF; }
            case INT8 -> { need(1, what); yield (int) file.get(ValueLayout.JAVA_BYTE, pos++); }
            case UINT16 -> { need(2, what); int v = file.get(I16, pos) & 0xFFFF; pos += 2; yield v; }
            case INT16 -> { need(2, what); int v = file.get(I16, pos); pos += 2; yield v; }
            case UINT32 -> Integer.toUnsignedLong(readI32(what));
            case INT32 -> readI32(what);
            case FLOAT32 -> { need(4, what); float v = file.get(F32, pos); pos += 4; yield v; }
            case BOOL -> {
                need(1, what);
                int b = file.get(ValueLayout.JAVA_BYTE, pos++);
                if (b != 0 && b != 1) throw fail(what + " has invalid bool byte " + b);
                yield b == 1;
            }
            case STRING -> readString(what);
            case UINT64, INT64 -> readU64(what);
            case FLOAT64 -> { need(8, what); double v = file.get(F64, pos); pos += 8; yield v; }
            case ARRAY -> readArray(key, depth);
        };
    }

    private GGUFArray readArray(String key, int depth) {
        String what = "metadata array '" + key + "'";
        if (depth > 8) throw fail(what + " is nested too deeply");
        int typeId = readI32(what + " element type");
        GGUFValueType et = GGUFValueType.fromId(typeId);
        if (et == null) throw fail(what + " has unknown element type " + typeId);
        long count = readU64(what + " length");
        checkCount(count, et.minBytes, what + " length");
        int n = (int) count;
        long bytes = (long) n * et.minBytes;
        switch (et) {
            case UINT8, INT8, BOOL -> {
                need(bytes, what);
                byte[] a = file.asSlice(pos, bytes).toArray(ValueLayout.JAVA_BYTE);
                pos += bytes;
                if (et != GGUFValueType.BOOL) return new GGUFArray(et, a);
                boolean[] b = new boolean[n];
                for (int i = 0; i < n; i++) {
                    if (a[i] != 0 && a[i] != 1) throw fail(what + " has invalid bool byte " + a[i]);
                    b[i] = a[i] == 1;
                }
                return new GGUFArray(et, b);
            }
            case UINT16, INT16 -> {
                need(bytes, what);
                short[] a = file.asSlice(pos, bytes).toArray(I16);
                pos += bytes;
                return new GGUFArray(et, a);
            }
            case UINT32, INT32 -> {
                need(bytes, what);
                int[] a = file.asSlice(pos, bytes).toArray(I32);
                pos += bytes;
                return new GGUFArray(et, a);
            }
            case FLOAT32 -> {
                need(bytes, what);
                float[] a = file.asSlice(pos, bytes).toArray(F32);
                pos += bytes;
                return new GGUFArray(et, a);
            }
            case UINT64, INT64 -> {
                need(bytes, what);
                long[] a = file.asSlice(pos, bytes).toArray(I64);
                pos += bytes;
                return new GGUFArray(et, a);
            }
            case FLOAT64 -> {
                need(bytes, what);
                double[] a = file.asSlice(pos, bytes).toArray(F64);
                pos += bytes;
                return new GGUFArray(et, a);
            }
            case STRING -> {
                String[] a = new String[n];
                for (int i = 0; i < n; i++) a[i] = readString(what + " element " + i);
                return new GGUFArray(et, a);
            }
            case ARRAY -> {
                GGUFArray[] a = new GGUFArray[n];
                for (int i = 0; i < n; i++) a[i] = readArray(key, depth + 1);
                return new GGUFArray(et, a);
            }
            default -> throw new AssertionError(et);
        }
    }

    private GGUFTensorInfo readTensorInfo() {
        String name = readString("tensor name");
        int nDims = readI32("dimension count of tensor '" + name + "'");
        if (nDims < 1 || nDims > MAX_DIMS) throw fail("tensor '" + name + "' has " + nDims + " dimensions (1 to 4 allowed)");
        long[] dims = new long[nDims];
        for (int d = 0; d < nDims; d++) {
            dims[d] = readU64("dimensions of tensor '" + name + "'");
            if (dims[d] <= 0) throw fail("tensor '" + name + "' has invalid dimension " + Long.toUnsignedString(dims[d]));
        }
        long elements = 1;
        for (long d : dims) {
            try {
                elements = Math.multiplyExact(elements, d);
            } catch (ArithmeticException e) {
                throw fail("tensor '" + name + "' has an absurd shape " + java.util.Arrays.toString(dims));
            }
        }
        int typeId = readI32("type of tensor '" + name + "'");
        GGMLType type = GGMLType.fromId(typeId);
        if (type == null) throw fail("tensor '" + name + "' has unknown tensor type " + typeId);
        if (dims[0] % type.blockSize != 0) {
            throw fail("tensor '" + name + "' row length " + dims[0] + " is not a multiple of the " + type + " block size " + type.blockSize);
        }
        if (elements / type.blockSize > file.byteSize() / type.typeSize) {
            throw fail("tensor '" + name + "' of shape " + java.util.Arrays.toString(dims) + " and type " + type
                    + " is larger than the whole file (" + file.byteSize() + " bytes; truncated or corrupt file?)");
        }
        long offset = readU64("data offset of tensor '" + name + "'");
        if (offset < 0 || offset > file.byteSize()) {
            throw fail("tensor '" + name + "' data offset " + Long.toUnsignedString(offset) + " lies past the end of the file");
        }
        if (offset % alignment != 0) {
            throw fail("tensor '" + name + "' data offset " + offset + " is not aligned to " + alignment + " bytes");
        }
        return new GGUFTensorInfo(name, dims, type, offset);
    }

    static long alignUp(long v, int alignment) {
        return (v + alignment - 1) / alignment * alignment;
    }
}
