package io.github.lfm4j.model.gguf;

import io.github.lfm4j.model.quant.Quantizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A float model (F32/F16/BF16 matrices, e.g. a BF16 Hugging Face checkpoint) quantized in memory at load, so it
 * runs at a quantized model's speed and size without a file being written: the tensors {@code lfm4j convert}
 * would write, encoded off the heap with the same quantizers, in a view that owns them.
 */
public final class QuantizedView {
    private QuantizedView() {}

    /** The view; {@code source} may be closed afterwards (everything is copied). */
    public static GGUFFile of(GGUFFile source, GGMLType type) {
        if (type != GGMLType.Q8_0 && type != GGMLType.Q4_0) throw new IllegalArgumentException("--quantize takes q8_0 or q4_0, not " + type.name().toLowerCase());
        for (GGUFTensorInfo t : source.tensorInfos()) {
            if (t.type() != GGMLType.F32 && t.type() != GGMLType.F16 && t.type() != GGMLType.BF16) {
                throw new IllegalArgumentException(source.path() + ": already quantized (" + t.name() + " is " + t.type()
                        + "); --quantize is for F32/F16/BF16 models");
            }
        }
        Arena arena = Arena.ofShared();
        try {
            List<Tensor> tensors = new ArrayList<>();
            long bytes = 0;
            for (GGUFTensorInfo info : source.tensorInfos()) {
                GGMLType target = GGUFConverter.targetType(info, type);
                MemorySegment dst = arena.allocate(target.byteSize(info.elementCount()), 64);
                tensors.add(new Tensor(new GGUFTensorInfo(info.name(), info.dims(), target, 0), dst));
                bytes += dst.byteSize();
            }
            // Tensors are independent: encode them in parallel (a 1.2B model has ~150).
            List<Tensor> sources = source.tensorInfos().stream().map(i -> source.tensor(i.name())).toList();
            java.util.stream.IntStream.range(0, tensors.size()).parallel().forEach(i -> encode(sources.get(i), tensors.get(i)));
            Map<String, GGUFValue> md = new LinkedHashMap<>(source.metadata());
            md.put("general.file_type", GGUFValue.uint32(GGUFConverter.fileType(type)));
            return GGUFFile.assembled(source.path(), arena, md, tensors, bytes);
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    private static void encode(Tensor src, Tensor dst) {
        GGMLType target = dst.type();
        byte[] encoded = new byte[Math.toIntExact(target.byteSize(src.cols()))];
        long rowBytes = encoded.length;
        try {
            GGUFConverter.encodeRows(src, target, (r, row) -> {
                Quantizer.quantize(target, row, 0, row.length, encoded, 0);
                MemorySegment.copy(encoded, 0, dst.data(), ValueLayout.JAVA_BYTE, r * rowBytes, encoded.length);
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
