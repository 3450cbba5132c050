package io.github.lfm4j.model.gguf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every way a GGUF header can be broken is reported as a {@link GGUFFormatException} with one line naming the file,
 * quickly and without allocating what the header claims (counts up to 2^64 are tried).
 */
class GGUFMalformedFileTest {

    @TempDir
    Path dir;

    /** Little-endian GGUF bytes, written field by field so any field can be set to anything. */
    static final class Raw {
        private ByteBuffer b = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);

        Raw u8(int v) { b.put((byte) v); return this; }
        Raw u32(long v) { b.putInt((int) v); return this; }
        Raw u64(long v) { b.putLong(v); return this; }
        Raw f32(float v) { b.putFloat(v); return this; }

        Raw str(String s) {
            byte[] x = s.getBytes(StandardCharsets.UTF_8);
            u64(x.length);
            b.put(x);
            return this;
        }

        Raw header(long tensors, long kvs) {
            return u32(GGUFFile.MAGIC).u32(3).u64(tensors).u64(kvs);
        }

        /** A tensor info entry. */
        Raw tensor(String name, int type, long offset, long... dims) {
            str(name).u32(dims.length);
            for (long d : dims) u64(d);
            return u32(type).u64(offset);
        }

        /** Zeros up to the next multiple of 32, then n data bytes. */
        Raw data(int n) {
            while (b.position() % 32 != 0) u8(0);
            for (int i = 0; i < n; i++) u8(i);
            return this;
        }

        byte[] bytes() {
            return Arrays.copyOf(b.array(), b.position());
        }
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    /** Opens the file expecting failure; returns the message after "path: " and checks it is one line. */
    private String failure(Path p) {
        GGUFFormatException e = assertTimeoutPreemptively(Duration.ofSeconds(2),
                () -> assertThrows(GGUFFormatException.class, () -> GGUFFile.open(p).close()));
        String m = e.getMessage();
        assertTrue(m.startsWith(p + ": "), m);
        assertTrue(!m.contains("\n"), m);
        return m.substring(p.toString().length() + 2);
    }

    private String failure(byte[] bytes) throws IOException {
        return failure(write("bad.gguf", bytes));
    }

    /** A small valid file: metadata of several types (incl. arrays of strings) and two tensors. */
    static byte[] valid() {
        return new Raw().header(2, 4)
                .str("general.architecture").u32(8).str("lfm2")
                .str("n").u32(4).u32(7)
                .str("tokens").u32(9).u32(8).u64(3).str("a").str("bc").str("")
                .str("f").u32(6).f32(1.5f)
                .tensor("w", 0, 0, 4, 2)
                .tensor("q", 8, 32, 32)
                .data(32 + 34).bytes();
    }

    @Test
    void theValidFileOpens() throws IOException {
        try (GGUFFile f = GGUFFile.open(write("ok.gguf", valid()))) {
            assertEquals(2, f.tensorInfos().size());
            assertEquals(7L, f.get("n"));
        }
    }

    @Test
    void wrongMagic() throws IOException {
        byte[] b = valid();
        b[0] = 'X';
        assertEquals("not a GGUF file (bad magic 0x46554758)", failure(b));
        assertEquals("not a GGUF file (only 10 bytes, truncated?)", failure("GGUF_short".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void wrongVersion() throws IOException {
        for (int v : new int[]{0, 1, 4, 0x7fffffff}) {
            byte[] b = valid();
            ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(4, v);
            String expected = v == 1 ? "GGUF version 1 is not supported (only versions 2 and 3)"
                    : "unsupported GGUF version " + v + " (only versions 2 and 3)";
            assertEquals(expected, failure(b));
        }
        byte[] b = valid();
        ByteBuffer.wrap(b).order(ByteOrder.BIG_ENDIAN).putInt(4, 3);
        assertEquals("big-endian GGUF files are not supported", failure(b));
    }

    @Test
    void version2IsAccepted() throws IOException {
        byte[] b = valid();
        b[4] = 2;
        try (GGUFFile f = GGUFFile.open(write("v2.gguf", b))) {
            assertEquals(2, f.version());
        }
    }

    @Test
    void truncatedAtEveryByte() throws IOException {
        byte[] b = valid();
        for (int cut = 0; cut < b.length; cut++) {
            String m = failure(write("cut.gguf", Arrays.copyOf(b, cut)));
            String at = "cut at " + cut + ": " + m;
            assertTrue(m.contains("truncated"), at);
        }
    }

    @Test
    void tensorDataPastTheEndOfTheFile() throws IOException {
        byte[] b = new Raw().header(1, 0).tensor("w", 0, 0, 4, 10).data(64).bytes();
        String m = failure(b);
        assertTrue(m.matches("tensor 'w' data ends at byte \\d+ but the file has only \\d+ bytes \\(truncated file\\?\\)"), m);
        byte[] far = new Raw().header(1, 0).tensor("w", 0, 1L << 40, 4).data(64).bytes();
        assertEquals("tensor 'w' data offset 1099511627776 lies past the end of the file", failure(far));
    }

    @Test
    void unknownTensorType() throws IOException {
        assertEquals("tensor 'w' has unknown tensor type 99", failure(new Raw().header(1, 0).tensor("w", 99, 0, 4).data(64).bytes()));
        assertEquals("tensor 'w' has unknown tensor type 4", failure(new Raw().header(1, 0).tensor("w", 4, 0, 4).data(64).bytes()));
        assertEquals("tensor 'w' has unknown tensor type -1", failure(new Raw().header(1, 0).tensor("w", -1, 0, 4).data(64).bytes()));
    }

    @Test
    void absurdCountsAndLengthsFailFast() throws IOException {
        long[] huge = {1L << 31, 1L << 40, Long.MAX_VALUE, -1L};
        for (long n : huge) {
            String u = Long.toUnsignedString(n);
            assertEquals("truncated or corrupt file: tensor count " + u + " cannot fit in the 72 bytes left",
                    failure(new Raw().header(n, 0).data(64).bytes()));
            assertEquals("truncated or corrupt file: metadata entry count " + u + " cannot fit in the 72 bytes left",
                    failure(new Raw().header(0, n).data(64).bytes()));
            assertEquals("absurd metadata key length " + u,
                    failure(new Raw().header(0, 1).u64(n).data(64).bytes()));
            assertEquals("absurd metadata 'k' length " + u,
                    failure(new Raw().header(0, 1).str("k").u32(8).u64(n).data(64).bytes()));
            for (int et : new int[]{0, 4, 8, 9, 10, 12}) {
                String m = failure(new Raw().header(0, 1).str("k").u32(9).u32(et).u64(n).data(64).bytes());
                assertTrue(m.startsWith("truncated or corrupt file: metadata array 'k' length " + u + " cannot fit in the "), m);
            }
            assertEquals("absurd tensor name length " + u, failure(new Raw().header(1, 0).u64(n).data(64).bytes()));
        }
        assertEquals("tensor 'w' has 5 dimensions (1 to 4 allowed)", failure(new Raw().header(1, 0).tensor("w", 0, 0, 1, 1, 1, 1, 1).data(64).bytes()));
        assertEquals("tensor 'w' has 0 dimensions (1 to 4 allowed)", failure(new Raw().header(1, 0).tensor("w", 0, 0).data(64).bytes()));
        assertEquals("tensor 'w' has an absurd shape [4294967296, 4294967296, 4294967296]",
                failure(new Raw().header(1, 0).tensor("w", 0, 0, 1L << 32, 1L << 32, 1L << 32).data(64).bytes()));
        assertEquals("tensor 'w' has invalid dimension 0", failure(new Raw().header(1, 0).tensor("w", 0, 0, 4, 0).data(64).bytes()));
        assertEquals("tensor 'w' has invalid dimension 18446744073709551615",
                failure(new Raw().header(1, 0).tensor("w", 0, 0, -1).data(64).bytes()));
        assertEquals("tensor 'w' of shape [65536, 65536] and type F32 is larger than the whole file (160 bytes; truncated or corrupt file?)",
                failure(new Raw().header(1, 0).tensor("w", 0, 0, 65536, 65536).data(64).bytes()));
    }

    @Test
    void otherStructuralErrors() throws IOException {
        assertEquals("metadata 'k' has unknown value type 13", failure(new Raw().header(0, 1).str("k").u32(13).data(64).bytes()));
        assertEquals("metadata array 'k' has unknown element type 42",
                failure(new Raw().header(0, 1).str("k").u32(9).u32(42).u64(1).data(64).bytes()));
        assertEquals("metadata 'k' has invalid bool byte 2", failure(new Raw().header(0, 1).str("k").u32(7).u8(2).data(64).bytes()));
        assertEquals("metadata array 'k' has invalid bool byte 7",
                failure(new Raw().header(0, 1).str("k").u32(9).u32(7).u64(2).u8(1).u8(7).data(64).bytes()));
        assertEquals("duplicate metadata key 'k'",
                failure(new Raw().header(0, 2).str("k").u32(4).u32(1).str("k").u32(4).u32(2).data(64).bytes()));
        assertEquals("duplicate tensor name 'w'",
                failure(new Raw().header(2, 0).tensor("w", 0, 0, 4).tensor("w", 0, 32, 4).data(64).bytes()));
        assertEquals("tensor 'w' data offset 4 is not aligned to 32 bytes", failure(new Raw().header(1, 0).tensor("w", 0, 4, 4).data(64).bytes()));
        assertEquals("tensor 'w' row length 48 is not a multiple of the Q8_0 block size 32",
                failure(new Raw().header(1, 0).tensor("w", 8, 0, 48).data(64).bytes()));
        for (long a : new long[]{0, 3, 48, 1L << 21}) {
            assertEquals("general.alignment must be a power of two, got " + a,
                    failure(new Raw().header(0, 1).str("general.alignment").u32(4).u32(a).data(64).bytes()));
        }
        // arrays nested 10 deep
        Raw deep = new Raw().header(0, 1).str("k").u32(9);
        for (int i = 0; i < 10; i++) deep.u32(9).u64(1);
        deep.u32(4).u64(0);
        assertEquals("metadata array 'k' is nested too deeply", failure(deep.data(64).bytes()));
    }

    @Test
    void filesystemProblems() throws IOException {
        Path missing = dir.resolve("missing.gguf");
        assertEquals("no such file", failure(missing));
        assertEquals("is a directory, not a GGUF file", failure(dir));
        assertEquals("not a GGUF file (only 0 bytes, truncated?)", failure(write("empty.gguf", new byte[0])));
    }

    /** Cut the valid file in the middle of particular fields and check the message names them. */
    @Test
    void truncationMessagesNameTheField() throws IOException {
        byte[] b = valid();
        // 4 metadata entries need at least 52 bytes after the 24-byte header: any shorter file fails that check
        assertEquals("truncated or corrupt file: metadata entry count 4 cannot fit in the 6 bytes left",
                failure(Arrays.copyOf(b, 30)));
        // header 24, "general.architecture" entry 24..68, then "n": key 68..77, type 77..81, value 81..85
        assertEquals("truncated file: metadata type of 'n' at byte 77 needs 4 bytes, the file has 79", failure(Arrays.copyOf(b, 79)));
        assertEquals("truncated file: metadata 'n' at byte 81 needs 4 bytes, the file has 83", failure(Arrays.copyOf(b, 83)));
        String m = failure(Arrays.copyOf(b, b.length - 1));
        assertTrue(m.startsWith("tensor 'q' data ends at byte " + b.length + " but the file has only " + (b.length - 1)), m);
    }
}
