package io.github.lfm4j.model.hf;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lfm4j.model.gguf.GGMLType;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a {@code .safetensors} file as the {@code safetensors} library lays it out: the header JSON padded with
 * spaces to a multiple of 8 bytes, tensors contiguous in the order added. The inverse of {@link SafetensorsFile},
 * used to write checkpoints in Hugging Face's layout (the tests' random-weight models, re-sharded fixtures).
 */
public final class SafetensorsWriter {
    private record Pending(String name, GGMLType type, long[] shape, byte[] data) {}

    private final List<Pending> tensors = new ArrayList<>();

    /** Adds a tensor of row-major {@code shape} (outermost first) whose little-endian bytes are {@code data}. */
    public SafetensorsWriter add(String name, GGMLType type, long[] shape, byte[] data) {
        long n = 1;
        for (long d : shape) n *= d;
        if (type != GGMLType.F32 && type != GGMLType.F16 && type != GGMLType.BF16) throw new IllegalArgumentException("type " + type);
        if (n * type.typeSize != data.length) throw new IllegalArgumentException(name + ": " + data.length + " bytes for " + n + " elements");
        tensors.add(new Pending(name, type, shape.clone(), data));
        return this;
    }

    /** Adds float32 values as {@code type} (F16/BF16 rounded to nearest even). */
    public SafetensorsWriter add(String name, GGMLType type, long[] shape, float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * type.typeSize).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            switch (type) {
                case F32 -> b.putFloat(v);
                case F16 -> b.putShort(Float.floatToFloat16(v));
                case BF16 -> b.putShort(toBf16(v));
                default -> throw new IllegalArgumentException("type " + type);
            }
        }
        return add(name, type, shape, b.array());
    }

    static short toBf16(float v) {
        int bits = Float.floatToRawIntBits(v);
        if (Float.isNaN(v)) return (short) ((bits >>> 16) | 0x40);
        return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
    }

    public void write(Path path) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode header = json.createObjectNode();
        header.putObject("__metadata__").put("format", "pt");
        long offset = 0;
        for (Pending t : tensors) {
            ObjectNode e = header.putObject(t.name);
            e.put("dtype", t.type.name());
            ArrayNode shape = e.putArray("shape");
            for (long d : t.shape) shape.add(d);
            e.putArray("data_offsets").add(offset).add(offset + t.data.length);
            offset += t.data.length;
        }
        byte[] h = json.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        int padded = (h.length + 7) / 8 * 8;
        try (OutputStream out = Files.newOutputStream(path)) {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
            out.write(h);
            for (int i = h.length; i < padded; i++) out.write(' ');
            for (Pending t : tensors) out.write(t.data);
        }
    }
}
