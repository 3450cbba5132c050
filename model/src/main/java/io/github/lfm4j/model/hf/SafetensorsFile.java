package io.github.lfm4j.model.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.lfm4j.model.gguf.GGMLType;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One {@code .safetensors} file, memory-mapped: an 8-byte little-endian header length, a JSON header (tensor name
 * to dtype, shape and byte range within the data section, plus an optional {@code __metadata__}), then the data.
 * Every range is checked against the file and against its shape and dtype, so a corrupt header fails here with
 * one line instead of later as a crash. Only the float types the engine reads are accepted.
 */
public final class SafetensorsFile {

    /** One tensor: its Hugging Face name, dtype, shape (row-major, outermost first) and bytes in the mapping. */
    public record Entry(String name, GGMLType type, long[] shape, MemorySegment data) {}

    /** The safetensors spec caps the header at 100 MB; a larger length is a corrupt file. */
    private static final long MAX_HEADER = 100L << 20;

    private final Path path;
    private final long size;
    private final Map<String, Entry> entries;

    private SafetensorsFile(Path path, long size, Map<String, Entry> entries) {
        this.path = path;
        this.size = size;
        this.entries = entries;
    }

    /** Maps {@code path} in {@code arena} (which the caller closes) and parses its header. */
    public static SafetensorsFile open(Path path, Arena arena) {
        MemorySegment file;
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) throw fail(path, "not a safetensors file (" + size + " bytes)");
            file = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
        } catch (NoSuchFileException e) {
            throw fail(path, "no such file");
        } catch (IOException e) {
            throw fail(path, "cannot read (" + e.getMessage() + ")");
        }
        long headerLen = file.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
        if (headerLen <= 0 || headerLen > MAX_HEADER || headerLen > file.byteSize() - 8) {
            throw fail(path, "not a safetensors file (header length " + headerLen + " for a file of " + file.byteSize() + " bytes)");
        }
        JsonNode header;
        try {
            header = new ObjectMapper().readTree(new String(file.asSlice(8, headerLen).toArray(ValueLayout.JAVA_BYTE),
                    StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw fail(path, "not a safetensors file (its header is not JSON)");
        }
        if (header == null || !header.isObject()) throw fail(path, "not a safetensors file (its header is not a JSON object)");
        long dataStart = 8 + headerLen, dataSize = file.byteSize() - dataStart;
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("__metadata__")) continue;
            entries.put(e.getKey(), entry(path, e.getKey(), e.getValue(), file, dataStart, dataSize));
        }
        return new SafetensorsFile(path, file.byteSize(), entries);
    }

    private static Entry entry(Path path, String name, JsonNode t, MemorySegment file, long dataStart, long dataSize) {
        String where = "tensor '" + name + "'";
        JsonNode dtype = t.get("dtype"), shape = t.get("shape"), offsets = t.get("data_offsets");
        if (dtype == null || !dtype.isTextual() || shape == null || !shape.isArray() || offsets == null
                || !offsets.isArray() || offsets.size() != 2) {
            throw fail(path, where + " needs dtype, shape and data_offsets [begin, end]");
        }
        GGMLType type = switch (dtype.asText()) {
            case "F32" -> GGMLType.F32;
            case "F16" -> GGMLType.F16;
            case "BF16" -> GGMLType.BF16;
            default -> throw fail(path, where + " has dtype " + dtype.asText() + " (lfm4j reads F32, F16 and BF16 checkpoints)");
        };
        long[] dims = new long[shape.size()];
        long elements = 1;
        for (int i = 0; i < dims.length; i++) {
            JsonNode d = shape.get(i);
            if (!d.canConvertToLong() || d.asLong() < 0 || d.asLong() > (1L << 40)) throw fail(path, where + " has a bad shape " + shape);
            dims[i] = d.asLong();
            elements = Math.multiplyExact(elements, Math.max(dims[i], 1));
            if (elements > dataSize) throw fail(path, where + " of shape " + shape + " is larger than the file");
        }
        if (dims.length == 0 || java.util.Arrays.stream(dims).anyMatch(d -> d == 0)) elements = dims.length == 0 ? 1 : 0;
        long begin = offsets.get(0).asLong(-1), end = offsets.get(1).asLong(-1);
        if (begin < 0 || end < begin || end > dataSize) {
            throw fail(path, where + " has data_offsets " + offsets + " outside the " + dataSize + " data bytes (truncated file?)");
        }
        if (end - begin != elements * type.typeSize) {
            throw fail(path, where + " has " + (end - begin) + " bytes, its shape " + shape + " and dtype need " + elements * type.typeSize);
        }
        return new Entry(name, type, dims, file.asSlice(dataStart + begin, end - begin));
    }

    static CheckpointException fail(Path path, String message) {
        return new CheckpointException(path + ": " + message);
    }

    public Path path() {
        return path;
    }

    public long size() {
        return size;
    }

    /** Tensors in header order. */
    public Map<String, Entry> entries() {
        return entries;
    }
}
