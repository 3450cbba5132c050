package io.github.lfm4j.model.grammar;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Schema grammars accept hand-picked valid instances and refuse invalid ones; unsupported keywords are errors. */
class JsonSchemaConverterTest {

    private static void check(String schema, String[] valid, String[] invalid) {
        Grammar g = JsonSchemaConverter.compile(schema.replace('\'', '"'));
        for (String v : valid) assertTrue(g.matches(v.replace('\'', '"')), () -> schema + " should accept " + v + "\n" + g.source());
        for (String v : invalid) assertFalse(g.matches(v.replace('\'', '"')), () -> schema + " should refuse " + v + "\n" + g.source());
    }

    @Test
    void objectsKeepOrderAndOptionalProperties() {
        check("{'type':'object','properties':{'a':{'type':'integer'},'b':{'type':'string'},'c':{'type':'boolean'}},'required':['b']}",
                new String[]{"{'b':''}", "{'a':1,'b':'x'}", "{'a': -5, 'b': 'y', 'c': true}", "{'b':'x','c':false} "},
                new String[]{"{}", "{'a':1}", "{'b':'x','a':1}", "{'b':'x','d':1}", "{'b':'x',}", "{,'b':'x'}"});
        check("{'type':'object','properties':{'a':{'type':'null'},'b':{'type':'null'}}}",
                new String[]{"{}", "{'a':null}", "{'b':null}", "{'a':null,'b':null}"},
                new String[]{"{'a':null,}", "{,'b':null}", "{'b':null,'a':null}"});
        check("{'type':'object','additionalProperties':{'type':'integer'}}",
                new String[]{"{}", "{'x':1,'y':2}"}, new String[]{"{'x':'1'}"});
    }

    @Test
    void stringsEnumsAndFormats() {
        check("{'type':'string','minLength':2,'maxLength':3}", new String[]{"'ab'", "'a\\\\n'", "'中文字'", "'\\u00e9x'"},
                new String[]{"'a'", "'abcd'", "'\\ud800x'"});
        check("{'enum':['red','green',3,null,{'k':[1]}]}", new String[]{"'red'", "3", "null", "{'k':[1]}"},
                new String[]{"'blue'", "4", "{'k':[]}"});
        check("{'const':'x y'}", new String[]{"'x y'"}, new String[]{"'x'"});
        check("{'type':'string','format':'date'}", new String[]{"'2024-02-28'", "'1999-12-31'", "'2000-04-30'"},
                new String[]{"'2024-02-30'", "'2024-04-31'", "'2024-13-01'", "'24-01-01'"});
        check("{'type':'string','format':'date-time'}", new String[]{"'2024-01-02T03:04:05Z'", "'2024-01-02T23:59:59.123+05:30'"},
                new String[]{"'2024-01-02T24:00:00Z'", "'2024-01-02T03:04:05'"});
        check("{'type':'string','format':'uuid'}", new String[]{"'123e4567-e89b-12d3-a456-426614174000'"},
                new String[]{"'123e4567e89b12d3a456426614174000'"});
        check("{'type':'string','pattern':'^[A-Z]{2}-\\\\d{3}(x|yz)?$'}", new String[]{"'AB-123'", "'QQ-000yz'"},
                new String[]{"'AB-12'", "'ab-123'", "'AB-123y'"});
        check("{'type':'string','pattern':'a\\\"b'}", new String[]{"'a\\\"b'", "'xxa\\\"bzz'"}, new String[]{"'ab'"});
    }

    @Test
    void numbersArraysAlternativesAndRefs() {
        check("{'type':'integer','minimum':-15,'maximum':7}", new String[]{"-15", "-9", "0", "7"}, new String[]{"-16", "8", "07", "-0"});
        check("{'type':'number','exclusiveMinimum':0,'maximum':2}", new String[]{"0.5", "2", "1.25", "1"},
                new String[]{"0", "2.5", "-1", "2.0001"});
        check("{'type':'array','items':{'type':'integer'},'minItems':1,'maxItems':3}", new String[]{"[1]", "[1, 2,3]"},
                new String[]{"[]", "[1,2,3,4]", "[1,]"});
        check("{'anyOf':[{'type':'string','maxLength':1},{'type':'array','items':{'$ref':'#/$defs/n'}}],'$defs':{'n':{'type':'null'}}}",
                new String[]{"'a'", "[]", "[null,null]"}, new String[]{"'ab'", "[1]"});
        check("{'$ref':'#/definitions/node','definitions':{'node':{'type':'object','properties':{'next':{'$ref':'#/definitions/node'}}}}}",
                new String[]{"{}", "{'next':{'next':{}}}"}, new String[]{"{'next':1}"});
        check("{'type':['string','null']}", new String[]{"'s'", "null"}, new String[]{"1"});
    }

    @Test
    void integerRangesAreExactAgainstArithmetic() {
        SplittableRandom rnd = new SplittableRandom(42);
        for (int c = 0; c < 40; c++) {
            long lo = rnd.nextLong(-3000, 3000), hi = lo + rnd.nextLong(0, 2500);
            Grammar g = Grammar.parse("root ::= " + NumberRanges.integers(lo, hi));
            for (long v = lo - 40; v <= hi + 40; v++) {
                long value = v;
                assertEquals(v >= lo && v <= hi, g.matches(Long.toString(v)), () -> value + " in [" + lo + "," + hi + "]");
            }
            assertFalse(g.matches("0" + Math.abs(lo)), "no leading zeros");
        }
    }

    @Test
    void unsupportedKeywordsAreNamed() {
        String[][] cases = {
                {"{'type':'string','contentEncoding':'base64'}", "unsupported keyword 'contentEncoding'"},
                {"{'type':'integer','multipleOf':3}", "unsupported keyword 'multipleOf'"},
                {"{'type':'object','properties':{'a':{'type':'string','format':'email'}}}", "format: email"},
                {"{'type':'array','uniqueItems':true}", "uniqueItems"},
                {"{'$ref':'https://example.com/s.json'}", "$ref https://example.com/s.json"},
                {"{'type':'string','pattern':'(?=a)b'}", "lookaround"},
                {"{'type':'number','minimum':0.5}", "whole-number bounds"},
                {"{'type':'object','properties':{},'required':['x']}", "required property 'x'"},
                {"{'type':'thing'}", "unknown type"},
                {"{'not':{}}", "unsupported keyword 'not'"},
                {"{'type':'object'", "not valid JSON"},
        };
        for (String[] c : cases) {
            GrammarException e = assertThrows(GrammarException.class, () -> JsonSchemaConverter.compile(c[0].replace('\'', '"')), c[0]);
            assertTrue(e.getMessage().contains(c[1]), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
        GrammarException nested = assertThrows(GrammarException.class, () -> JsonSchemaConverter.compile(
                "{\"properties\":{\"a\":{\"items\":{\"type\":\"string\",\"maxContains\":1}}}}"));
        assertTrue(nested.getMessage().contains("#/properties/a/items"), nested.getMessage());
    }
}
