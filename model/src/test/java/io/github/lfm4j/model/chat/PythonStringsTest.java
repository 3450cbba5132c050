package io.github.lfm4j.model.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Expected values are what CPython's str methods return. */
class PythonStringsTest {

    @Test
    void splitKeepsEmptyPiecesAndIsLiteral() {
        assertEquals(List.of("a", ""), PythonStrings.split("a</think>", "</think>", -1));
        assertEquals(List.of("", "b", "", "c"), PythonStrings.split("|b||c", "|", -1));
        assertEquals(List.of("a.b"), PythonStrings.split("a.b", ".*", -1));
        assertEquals(List.of("a", "b|c"), PythonStrings.split("a|b|c", "|", 1));
        assertEquals(List.of("a", "b", "c"), PythonStrings.split("  a \t b\u3000c  ", null, -1));
        assertEquals(List.of("a", "b  c"), PythonStrings.split("  a  b  c  ", null, 1));
        assertEquals(List.of(), PythonStrings.split("   ", null, -1));
        assertEquals(List.of("a|b", "c"), PythonStrings.rsplit("a|b|c", "|", 1));
        assertEquals(List.of("", "x"), PythonStrings.rsplit("|x", "|", 1));
    }

    @Test
    void stripUsesPythonWhitespace() {
        assertEquals("x y", PythonStrings.strip("\u3000\u00a0\n\t x y\u2029\u001f\u0085 ", null));
        // U+200B (zero width space) is not whitespace for Python.
        assertEquals("\u200bx", PythonStrings.strip(" \u200bx ", null));
        assertEquals("a", PythonStrings.strip("xyaxy", "xy"));
        assertEquals("ayx", PythonStrings.lstrip("xyayx", "xy") .substring(0, 3));
        assertEquals("xya", PythonStrings.rstrip("xyayx", "xy"));
        assertEquals("😀", PythonStrings.strip(" 😀 ", null));
    }
}
