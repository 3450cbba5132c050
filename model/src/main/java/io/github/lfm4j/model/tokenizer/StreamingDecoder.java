package io.github.lfm4j.model.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Decodes ids fed one at a time into text without ever emitting half a character: byte-level tokens often end in
 * the middle of a multi-byte UTF-8 sequence (an emoji is typically 2 to 4 tokens), so the bytes of an unfinished
 * trailing character are held back until the tokens that complete it arrive. Bytes that can never become a valid
 * character are emitted at once as U+FFFD rather than held. Not thread-safe: one decoder per generation.
 */
public final class StreamingDecoder {

    private final Tokenizer tokenizer;
    private final boolean skipSpecial;
    private byte[] pending = new byte[8];
    private int pendingLength;

    StreamingDecoder(Tokenizer tokenizer, boolean skipSpecial) {
        this.tokenizer = tokenizer;
        this.skipSpecial = skipSpecial;
    }

    /** Adds one token; returns the text that is now complete (possibly empty, never null). */
    public String next(int id) {
        byte[] piece = tokenizer.pieceBytes(id, skipSpecial);
        if (pendingLength + piece.length > pending.length) {
            pending = Arrays.copyOf(pending, Math.max(pending.length * 2, pendingLength + piece.length));
        }
        System.arraycopy(piece, 0, pending, pendingLength, piece.length);
        pendingLength += piece.length;
        int complete = pendingLength - unfinishedTailLength(pending, pendingLength);
        if (complete == 0) return "";
        String text = new String(pending, 0, complete, StandardCharsets.UTF_8);
        System.arraycopy(pending, complete, pending, 0, pendingLength - complete);
        pendingLength -= complete;
        return text;
    }

    /** Ends the stream: whatever is still held back (an incomplete character) comes out as U+FFFD. */
    public String flush() {
        String text = new String(pending, 0, pendingLength, StandardCharsets.UTF_8);
        pendingLength = 0;
        return text;
    }

    /** Whether bytes of an unfinished character are being held back. */
    public boolean hasPending() {
        return pendingLength > 0;
    }

    /**
     * How many bytes at the end of {@code b[0, n)} are the valid start of a character that needs more bytes: a
     * lead byte followed by fewer continuation bytes than it announces. 0 when the tail is complete or invalid.
     */
    static int unfinishedTailLength(byte[] b, int n) {
        // A sequence is at most 4 bytes, so its lead byte is among the last 3 when it is unfinished.
        for (int back = 1; back <= 3 && back <= n; back++) {
            int v = b[n - back] & 0xFF;
            if ((v & 0xC0) == 0x80) continue; // continuation byte: keep looking for the lead
            int needed = v >= 0xF0 && v <= 0xF4 ? 4 : v >= 0xE0 && v <= 0xEF ? 3 : v >= 0xC2 && v <= 0xDF ? 2 : 1;
            return needed > back ? back : 0;
        }
        return 0;
    }
}
