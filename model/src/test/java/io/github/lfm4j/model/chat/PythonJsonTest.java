package io.github.lfm4j.model.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Expected strings are what CPython 3 prints (repr / json.dumps(..., ensure_ascii=False)). */
class PythonJsonTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "1e-05|1e-05", "0.0001|0.0001", "0.001|0.001", "1e16|1e+16", "1e15|1000000000000000.0",
        "123456789.0|123456789.0", "0.1|0.1", "1.5e300|1.5e+300", "2.5e-10|2.5e-10", "-0.0|-0.0", "100.0|100.0",
        "0.3333333333333333|0.3333333333333333", "1e22|1e+22", "5e-324|5e-324",
        "1.7976931348623157e308|1.7976931348623157e+308", "12345.678|12345.678", "-1.25|-1.25",
        "9999999999999998.0|9999999999999998.0", "0.00012|0.00012", "1.2e-05|1.2e-05", "21.5|21.5"})
    void floatReprMatchesPython(double value, String python) {
        assertEquals(python, PythonJson.floatRepr(value));
    }

    @Test
    void dumpsMatchesPythonJsonDumps() throws Exception {
        var tree = new ObjectMapper().readTree(
                "{\"a\": \"x\\ny\\\"\\\\\\u0001\\u007f\u00e9\ud83d\ude00/\", \"b\": [1, 2.0, true, null, -3, 1e-7],"
                        + " \"c\": {}, \"d\": [], \"big\": 123456789012345678901234567890}");
        assertEquals("{\"a\": \"x\\ny\\\"\\\\\\u0001\u007f\u00e9\ud83d\ude00/\", \"b\": [1, 2.0, true, null, -3, 1e-07],"
                + " \"c\": {}, \"d\": [], \"big\": 123456789012345678901234567890}", PythonJson.dumps(tree));
    }

    @Test
    void dumpsPlainJavaValuesAndNonStringKeys() {
        Map<Object, Object> m = new LinkedHashMap<>();
        m.put("s", "t\tu");
        m.put(1, Double.NaN);
        m.put(true, Arrays.asList(Double.POSITIVE_INFINITY, null, 7L));
        assertEquals("{\"s\": \"t\\tu\", \"1\": NaN, \"true\": [Infinity, null, 7]}", PythonJson.dumps(m));
    }

    @Test
    void reprAndStrMatchPython() {
        Map<Object, Object> m = new LinkedHashMap<>();
        m.put("k", Arrays.asList("it's", "say \"hi\"", "both ' \"", true, null, 1.0, 2L));
        assertEquals("{'k': [\"it's\", 'say \"hi\"', 'both \\' \"', True, None, 1.0, 2]}", PythonJson.repr(m));
        assertEquals("text", PythonJson.str("text"));
        assertEquals("True", PythonJson.str(true));
        assertEquals("None", PythonJson.str(null));
    }

    @Test
    void dumpsWithIndentMatchesPython() throws Exception {
        var tree = new ObjectMapper().readTree("{\"a\": [1, {\"b\": null}], \"e\": [], \"o\": {}}");
        // python3 -c 'import json; print(json.dumps({"a": [1, {"b": None}], "e": [], "o": {}}, indent=2))'
        assertEquals("{\n  \"a\": [\n    1,\n    {\n      \"b\": null\n    }\n  ],\n  \"e\": [],\n  \"o\": {}\n}",
                PythonJson.dumps(tree, 2));
        assertEquals("[\n1,\n2\n]", PythonJson.dumps(java.util.List.of(1, 2), 0));
    }
}
