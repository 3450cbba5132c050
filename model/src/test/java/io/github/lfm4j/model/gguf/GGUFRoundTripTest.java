package io.github.lfm4j.model.gguf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** writer -> reader -> writer gives identical bytes; every value type survives; data is aligned and zero-padded. */
class GGUFRoundTripTest {

    @TempDir
    Path dir;

    /** One entry of every scalar type, arrays of every element type, nested and empty arrays. */
    static Map<String, GGUFValue> everyValueType() {
        Map<String, GGUFValue> w = new java.util.LinkedHashMap<>();
        w.put("u8", new GGUFValue(GGUFValueType.UINT8, 255));
        w.put("i8", new GGUFValue(GGUFValueType.INT8, -128));
        w.put("u16", new GGUFValue(GGUFValueType.UINT16, 65535));
        w.put("i16", new GGUFValue(GGUFValueType.INT16, -32768));
        w.put("u32", GGUFValue.uint32(4_294_967_295L));
        w.put("i32", GGUFValue.int32(Integer.MIN_VALUE));
        w.put("f32", GGUFValue.float32(-1.5e-7f));
        w.put("bool.true", GGUFValue.bool(true));
        w.put("bool.false", GGUFValue.bool(false));
        w.put("str", GGUFValue.string("héllo ✓ 🙂\n\"quoted\""));
        w.put("str.empty", GGUFValue.string(""));
        w.put("u64", GGUFValue.uint64(-1L)); // 2^64 - 1 as unsigned
        w.put("i64", new GGUFValue(GGUFValueType.INT64, Long.MIN_VALUE));
        w.put("f64", new GGUFValue(GGUFValueType.FLOAT64, Math.PI));
        w.put("a.u8", GGUFValue.array(GGUFValueType.UINT8, new byte[]{0, 1, (byte) 255}));
        w.put("a.i8", GGUFValue.array(GGUFValueType.INT8, new byte[]{-1, 127}));
        w.put("a.u16", GGUFValue.array(GGUFValueType.UINT16, new short[]{(short) 65535, 7}));
        w.put("a.i16", GGUFValue.array(GGUFValueType.INT16, new short[]{-2, 3}));
        w.put("a.u32", GGUFValue.array(GGUFValueType.UINT32, new int[]{-1, 5}));
        w.put("a.i32", GGUFValue.array(GGUFValueType.INT32, new int[]{0, 0, 2, 0, 2, 0}));
        w.put("a.f32", GGUFValue.array(GGUFValueType.FLOAT32, new float[]{1f, Float.NaN, Float.NEGATIVE_INFINITY, -0f}));
        w.put("a.bool", GGUFValue.array(GGUFValueType.BOOL, new boolean[]{true, false, true}));
        w.put("a.str", GGUFValue.array(GGUFValueType.STRING, new String[]{"Ġ Ġ", "", "<|im_end|>"}));
        w.put("a.u64", GGUFValue.array(GGUFValueType.UINT64, new long[]{Long.MAX_VALUE, -1}));
        w.put("a.i64", GGUFValue.array(GGUFValueType.INT64, new long[]{Long.MIN_VALUE}));
        w.put("a.f64", GGUFValue.array(GGUFValueType.FLOAT64, new double[]{1e300, -0.0}));
        w.put("a.empty", GGUFValue.array(GGUFValueType.INT32, new int[0]));
        w.put("a.nested", GGUFValue.array(GGUFValueType.ARRAY, new GGUFArray[]{
                new GGUFArray(GGUFValueType.INT32, new int[]{1, 2}),
                new GGUFArray(GGUFValueType.STRING, new String[]{"x"}),
                new GGUFArray(GGUFValueType.ARRAY, new GGUFArray[]{new GGUFArray(GGUFValueType.FLOAT32, new float[]{3f})}),
                new GGUFArray(GGUFValueType.UINT8, new byte[0])}));
        return w;
    }

    private static byte[] pattern(int n, int salt) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (i * 31 + salt);
        return b;
    }

    /** Tensor sizes chosen so that most end off the alignment boundary and need padding. */
    static void addTensors(GGUFWriter w) {
        w.addTensor("a.f32", GGMLType.F32, new long[]{3}, pattern(12, 1));
        w.addTensor("b.q8_0", GGMLType.Q8_0, new long[]{32, 3}, pattern(3 * 34, 2));
        w.addTensor("c.f16", GGMLType.F16, new long[]{5, 1, 1}, pattern(10, 3));
        w.addTensor("d.q4_k", GGMLType.Q4_K, new long[]{256, 1, 1, 2}, pattern(2 * 144, 4));
        w.addTensor("e.bf16", GGMLType.BF16, new long[]{1}, pattern(2, 5));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 8, 64, 4096})
    void writeReadWriteIsIdentical(int alignment) throws IOException {
        GGUFWriter w = new GGUFWriter().putAll(everyValueType());
        if (alignment > 0) w.putUInt32("general.alignment", alignment);
        addTensors(w);
        Path first = dir.resolve("first.gguf"), second = dir.resolve("second.gguf");
        w.write(first);
        int align = alignment == 0 ? 32 : alignment;
        try (GGUFFile f = GGUFFile.open(first)) {
            assertEquals(3, f.version());
            assertEquals(align, f.alignment());
            assertEquals(0, f.dataOffset() % align);
            assertEquals(everyValueType(), withoutAlignment(f.metadata()));
            List<String> names = new ArrayList<>();
            for (GGUFTensorInfo t : f.tensorInfos()) {
                names.add(t.name());
                assertEquals(0, t.offset() % align, t.name() + " offset " + t.offset());
            }
            assertEquals(List.of("a.f32", "b.q8_0", "c.f16", "d.q4_k", "e.bf16"), names);
            assertArrayEquals(pattern(3 * 34, 2), f.tensor("b.q8_0").data().toArray(ValueLayout.JAVA_BYTE));
            assertArrayEquals(new long[]{256, 1, 1, 2}, f.tensor("d.q4_k").dims());
            assertEquals(2, f.tensor("d.q4_k").rows());
            assertNull(f.tensor("nope"));
            // padding between tensors is zeros and the data section ends right after the last tensor
            byte[] all = Files.readAllBytes(first);
            GGUFTensorInfo a = f.tensorInfo("a.f32"), b = f.tensorInfo("b.q8_0");
            for (long p = f.dataOffset() + a.offset() + a.byteSize(); p < f.dataOffset() + b.offset(); p++) assertEquals(0, all[(int) p]);
            GGUFTensorInfo last = f.tensorInfo("e.bf16");
            assertEquals(f.dataOffset() + last.offset() + last.byteSize(), all.length);

            GGUFWriter again = new GGUFWriter().putAll(f.metadata());
            for (GGUFTensorInfo t : f.tensorInfos()) {
                byte[] bytes = f.tensor(t.name()).data().toArray(ValueLayout.JAVA_BYTE);
                again.addTensor(t.name(), t.type(), t.dims(), bytes);
            }
            again.write(second);
        }
        assertArrayEquals(Files.readAllBytes(first), Files.readAllBytes(second));
    }

    private static Map<String, GGUFValue> withoutAlignment(Map<String, GGUFValue> m) {
        Map<String, GGUFValue> copy = new java.util.LinkedHashMap<>(m);
        copy.remove("general.alignment");
        return copy;
    }

    @Test
    void typedGettersReadBackWhatWasWritten() throws IOException {
        Path p = dir.resolve("typed.gguf");
        new GGUFWriter().putAll(everyValueType()).write(p);
        try (GGUFFile f = GGUFFile.open(p)) {
            assertEquals(255, f.getInt("u8", 0));
            assertEquals(-128, f.getInt("i8", 0));
            assertEquals(65535, f.getInt("u16", 0));
            assertEquals(4_294_967_295L, f.getLong("u32", 0));
            assertEquals(-1.5e-7f, f.getFloat("f32", 0));
            assertEquals(Math.PI, (double) f.get("f64"));
            assertEquals(true, f.getBool("bool.true", false));
            assertEquals("héllo ✓ 🙂\n\"quoted\"", f.getString("str", null));
            assertArrayEquals(new int[]{0, 1, 255}, f.getArray("a.u8").toIntArray());
            assertArrayEquals(new int[]{65535, 7}, f.getArray("a.u16").toIntArray());
            assertArrayEquals(new String[]{"Ġ Ġ", "", "<|im_end|>"}, f.getArray("a.str").toStringArray());
            GGUFArray nested = f.getArray("a.nested");
            assertEquals(GGUFValueType.ARRAY, nested.elementType());
            GGUFArray[] inner = (GGUFArray[]) nested.values();
            assertArrayEquals(new float[]{3f}, ((GGUFArray[]) inner[2].values())[0].toFloatArray());
            assertEquals(0, f.tensorInfos().size());
            GGUFFormatException e = org.junit.jupiter.api.Assertions.assertThrows(GGUFFormatException.class, () -> f.getString("u8", null));
            assertEquals(p + ": metadata 'u8' should be a string, is UINT8", e.getMessage());
        }
    }

    @Test
    void writerRefusesValuesThatDoNotFitTheirType() {
        for (GGUFValue v : new GGUFValue[]{GGUFValue.uint32(1L << 32), GGUFValue.uint32(-1), new GGUFValue(GGUFValueType.UINT8, 256),
                new GGUFValue(GGUFValueType.INT8, 128), new GGUFValue(GGUFValueType.INT16, -32769), new GGUFValue(GGUFValueType.INT32, 1L << 31)}) {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> new GGUFWriter().put("k", v).write(dir.resolve("never.gguf")));
            assertEquals("metadata value " + v.value() + " does not fit " + v.type(), e.getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-f32.gguf", "tiny-q8_0.gguf", "tiny-q4_0.gguf", "vocab-synthetic.gguf"})
    void rewritingTheFixturesReproducesThemByteForByte(String name) throws IOException, URISyntaxException {
        Path src = Path.of(GGUFRoundTripTest.class.getResource("/fixtures/" + name).toURI());
        Path out = dir.resolve(name);
        try (GGUFFile f = GGUFFile.open(src)) {
            GGUFWriter w = new GGUFWriter().putAll(f.metadata());
            for (GGUFTensorInfo t : f.tensorInfos()) {
                Tensor tensor = f.tensor(t.name());
                w.addTensor(t.name(), t.type(), t.dims(), out2 -> {
                    byte[] b = tensor.data().toArray(ValueLayout.JAVA_BYTE);
                    out2.write(b);
                });
            }
            w.write(out);
        }
        byte[] expected = Files.readAllBytes(src), actual = Files.readAllBytes(out);
        assertEquals(expected.length, actual.length);
        assertArrayEquals(expected, actual);
        // a sanity check that the comparison covers real content
        assertEquals(GGUFFile.MAGIC, ByteBuffer.wrap(actual).order(ByteOrder.LITTLE_ENDIAN).getInt());
    }
}
