package io.github.lfm4j.model.grammar;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * JSON Schema to GBNF: a grammar whose sentences are JSON texts that validate against the schema (compact: at most
 * one space between tokens). Supported: {@code type} (one or a list), {@code enum}, {@code const}, objects with
 * {@code properties} (written in the schema's order, the optional ones may be left out), {@code required},
 * {@code additionalProperties} (false or absent: no other properties; true or a schema only for objects without
 * {@code properties}, i.e. maps, whose keys {@code propertyNames} may constrain), strings with {@code minLength}/{@code maxLength}, {@code pattern} (see
 * {@link PatternGrammar}) or {@code format} date, time, date-time, uuid; integers and numbers with
 * {@code minimum}/{@code maximum}/{@code exclusiveMinimum}/{@code exclusiveMaximum} (whole-number bounds for
 * numbers); arrays with {@code items}, {@code minItems}, {@code maxItems}; {@code anyOf}/{@code oneOf} (oneOf's
 * branches should not overlap: the grammar cannot enforce "exactly one"); {@code allOf} of one schema; {@code $ref}
 * to {@code #/$defs/...} or {@code #/definitions/...} (recursion allowed); annotations (title, description, ...)
 * are ignored. Every other keyword is an error naming it and where it is, never silently dropped.
 *
 * <p>Unbounded numbers have at most 16 digits per part, so a number always ends.
 */
public final class JsonSchemaConverter {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> ANNOTATIONS = Set.of("$schema", "$id", "$comment", "title", "description",
            "default", "examples", "deprecated", "readOnly", "writeOnly", "$defs", "definitions", "$anchor");
    private static final Set<String> STRING_KEYS = Set.of("minLength", "maxLength", "pattern", "format");
    private static final Set<String> NUMBER_KEYS = Set.of("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum");
    private static final Set<String> OBJECT_KEYS = Set.of("properties", "required", "additionalProperties", "propertyNames");
    private static final Set<String> ARRAY_KEYS = Set.of("items", "minItems", "maxItems", "uniqueItems");
    private static final List<String> TYPES = List.of("string", "number", "integer", "boolean", "null", "object", "array");

    /** The schema {@code $ref}s resolve against (each tool's parameters in a tool-call grammar). */
    private JsonNode root;
    /** Strings are read by a Python parser (tool-call arguments): no {@code \/} escape, which Python does not know. */
    private boolean python;
    private final Map<String, String> rules = new LinkedHashMap<>();
    private final Map<String, String> ruleByBody = new HashMap<>();
    private final Map<String, String> refRules = new HashMap<>();

    JsonSchemaConverter(JsonNode root) {
        this.root = root;
    }

    /** The GBNF text for a schema given as JSON text. */
    public static String toGbnf(String schemaJson) {
        return toGbnf(parseJson(schemaJson));
    }

    /** The GBNF text for a schema. */
    public static String toGbnf(JsonNode schema) {
        JsonSchemaConverter c = new JsonSchemaConverter(schema);
        c.primitive("space"); // most rules end with it
        String top = c.visit(schema, "root", "#");
        c.rules.put("root", top);
        StringBuilder out = new StringBuilder();
        out.append("root ::= ").append(top).append('\n');
        for (Map.Entry<String, String> e : c.rules.entrySet()) {
            if (!e.getKey().equals("root")) out.append(e.getKey()).append(" ::= ").append(e.getValue()).append('\n');
        }
        return out.toString();
    }

    /** The compiled grammar for a schema given as JSON text. */
    public static Grammar compile(String schemaJson) {
        return Grammar.parse(toGbnf(schemaJson));
    }

    public static Grammar compile(JsonNode schema) {
        return Grammar.parse(toGbnf(schema));
    }

    static JsonNode parseJson(String text) {
        if (text == null || text.isBlank()) throw new GrammarException("json schema: empty");
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new GrammarException("json schema: not valid JSON: " + e.getOriginalMessage());
        }
    }

    /** A GBNF expression (one rule reference or a parenthesized expression) for values of {@code s}, trailing space included. */
    private String visit(JsonNode s, String name, String path) {
        if (s.isBoolean()) {
            if (s.booleanValue()) return primitive("value");
            throw error(path, "the schema false matches nothing");
        }
        if (!s.isObject()) throw error(path, "a schema must be an object or a boolean");
        if (s.has("$ref")) {
            only(s, path, Set.of("$ref"), false);
            return ref(s.get("$ref"), path);
        }
        if (s.has("enum") || s.has("const")) {
            only(s, path, Set.of("enum", "const"), true);
            List<String> alts = new ArrayList<>();
            if (s.has("const")) alts.add(jsonLiteral(s.get("const")));
            if (s.has("enum")) {
                if (s.has("const")) throw error(path, "enum together with const is not supported");
                JsonNode e = s.get("enum");
                if (!e.isArray() || e.isEmpty()) throw error(path, "enum must be a non-empty array");
                for (JsonNode v : e) alts.add(jsonLiteral(v));
            }
            return rule(name, "(" + String.join(" | ", alts) + ") space");
        }
        for (String k : List.of("anyOf", "oneOf")) {
            if (s.has(k)) {
                only(s, path, Set.of(k), false);
                JsonNode list = s.get(k);
                if (!list.isArray() || list.isEmpty()) throw error(path, k + " must be a non-empty array");
                List<String> alts = new ArrayList<>();
                for (int i = 0; i < list.size(); i++) alts.add(visit(list.get(i), name + "-" + i, path + "/" + k + "/" + i));
                return rule(name, String.join(" | ", alts));
            }
        }
        if (s.has("allOf")) {
            only(s, path, Set.of("allOf"), false);
            JsonNode list = s.get("allOf");
            if (!list.isArray() || list.size() != 1) throw error(path, "allOf is only supported with one schema");
            return visit(list.get(0), name, path + "/allOf/0");
        }
        JsonNode type = s.get("type");
        if (type == null) {
            String inferred = inferType(s);
            if (inferred == null) {
                only(s, path, Set.of(), true);
                return primitive("value");
            }
            return typed(s, inferred, name, path, true);
        }
        if (type.isArray()) {
            // each type takes its own keywords; together they may use the keywords of all of them
            Set<String> union = new HashSet<>();
            for (JsonNode t : type) union.addAll(keywordsOf(typeName(t, path)));
            only(s, path, union, true);
            List<String> alts = new ArrayList<>();
            for (JsonNode t : type) alts.add(typed(s, typeName(t, path), name + "-" + t.asText(), path, false));
            if (alts.isEmpty()) throw error(path, "type must not be an empty list");
            return rule(name, String.join(" | ", alts));
        }
        return typed(s, typeName(type, path), name, path, true);
    }

    private static Set<String> keywordsOf(String type) {
        return switch (type) {
            case "string" -> STRING_KEYS;
            case "integer", "number" -> NUMBER_KEYS;
            case "object" -> OBJECT_KEYS;
            case "array" -> ARRAY_KEYS;
            default -> Set.of();
        };
    }

    private static String inferType(JsonNode s) {
        for (Iterator<String> it = s.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (OBJECT_KEYS.contains(k)) return "object";
            if (ARRAY_KEYS.contains(k)) return "array";
            if (STRING_KEYS.contains(k)) return "string";
            if (NUMBER_KEYS.contains(k)) return "number";
        }
        return null;
    }

    private String typeName(JsonNode t, String path) {
        if (!t.isTextual() || !TYPES.contains(t.asText())) throw error(path, "unknown type " + t);
        return t.asText();
    }

    private String typed(JsonNode s, String type, String name, String path, boolean checkKeywords) {
        if (checkKeywords) only(s, path, keywordsOf(type), true);
        return switch (type) {
            case "string" -> string(s, name, path);
            case "integer", "number" -> number(s, type.equals("integer"), name, path);
            case "boolean" -> primitive("boolean");
            case "null" -> primitive("null");
            case "object" -> object(s, name, path);
            case "array" -> array(s, name, path);
            default -> throw new IllegalStateException(type);
        };
    }

    private String string(JsonNode s, String name, String path) {
        if (s.has("format")) {
            if (s.has("pattern") || s.has("minLength") || s.has("maxLength")) {
                throw error(path, "format together with pattern/minLength/maxLength is not supported");
            }
            String f = s.get("format").asText();
            String body = switch (f) {
                case "date" -> primitive("date");
                case "time" -> primitive("time");
                case "date-time" -> primitive("date") + " \"T\" " + primitive("time");
                case "uuid" -> primitive("uuid");
                default -> throw error(path, "unsupported keyword value format: " + f
                        + " (supported: date, time, date-time, uuid)");
            };
            return rule(name, "\"\\\"\" " + body + " \"\\\"\" space");
        }
        if (s.has("pattern")) {
            if (s.has("minLength") || s.has("maxLength")) {
                throw error(path, "pattern together with minLength/maxLength is not supported");
            }
            primitive("char");
            String body = PatternGrammar.convert(s.get("pattern").asText(), path, "char");
            return rule(name, "\"\\\"\" " + body + " \"\\\"\" space");
        }
        int min = count(s, "minLength", 0, path);
        int max = s.has("maxLength") ? count(s, "maxLength", 0, path) : -1;
        if (max >= 0 && max < min) throw error(path, "maxLength is below minLength");
        if (min == 0 && max < 0) return primitive("string");
        primitive("char");
        String rep = max < 0 ? "{" + min + ",}" : "{" + min + "," + max + "}";
        return rule(name, "\"\\\"\" char" + rep + " \"\\\"\" space");
    }

    private String number(JsonNode s, boolean integer, String name, String path) {
        boolean bounded = false;
        long lo = -NumberRanges.LIMIT, hi = NumberRanges.LIMIT;
        boolean loExcl = false, hiExcl = false;
        for (String k : NUMBER_KEYS) {
            if (!s.has(k)) continue;
            JsonNode v = s.get(k);
            if (!v.isNumber()) throw error(path, k + " must be a number");
            double d = v.doubleValue();
            long b;
            boolean isMin = k.endsWith("inimum"), excl = k.startsWith("exclusive");
            if (d != Math.rint(d)) {
                if (!integer) throw error(path, k + " " + v + ": only whole-number bounds are supported for numbers");
                // a fractional bound on integers: the nearest integer inside
                b = (long) (isMin ? Math.ceil(d) : Math.floor(d));
                excl = false;
            } else b = (long) d;
            if (Math.abs(d) > NumberRanges.LIMIT) throw error(path, k + " " + v + " is beyond 16 digits");
            bounded = true;
            if (isMin && (b > lo || (b == lo && excl))) {
                lo = b;
                loExcl = excl;
            } else if (!isMin && (b < hi || (b == hi && excl))) {
                hi = b;
                hiExcl = excl;
            }
        }
        if (!bounded) return primitive(integer ? "integer" : "number");
        long loI = loExcl ? lo + 1 : lo, hiI = hiExcl ? hi - 1 : hi;
        List<String> alts = new ArrayList<>();
        String ints = NumberRanges.integers(loI, hiI);
        if (ints != null) alts.add(ints);
        if (!integer) {
            // k.f with a non-zero fraction lies strictly between k and k+1 (or -k-1 and -k)
            String frac = "\".\" [0-9]{0,15} [1-9]";
            long pa = Math.max(0, lo), pb = hi - 1;
            if (pa <= pb) alts.add(NumberRanges.nonNegative(pa, pb) + " " + frac);
            long na = Math.max(0, -hi), nb = -lo - 1;
            if (na <= nb) alts.add("\"-\" " + NumberRanges.nonNegative(na, nb) + " " + frac);
        }
        if (alts.isEmpty()) throw error(path, "the bounds leave no " + (integer ? "integer" : "number"));
        return rule(name, "(" + String.join(" | ", alts) + ") space");
    }

    private String object(JsonNode s, String name, String path) {
        JsonNode props = s.get("properties");
        JsonNode additional = s.get("additionalProperties");
        Set<String> required = new HashSet<>();
        if (s.has("required")) {
            if (!s.get("required").isArray()) throw error(path, "required must be an array");
            for (JsonNode r : s.get("required")) required.add(r.asText());
        }
        JsonNode names = s.get("propertyNames");
        boolean mapForm = (additional != null && !(additional.isBoolean() && !additional.booleanValue())) || names != null;
        if (props != null && !props.isObject()) throw error(path, "properties must be an object");
        if (mapForm && props != null && !props.isEmpty()) {
            throw error(path, "additionalProperties other than false (or propertyNames) together with properties is not supported");
        }
        if (props == null && additional == null && names == null) {
            if (!required.isEmpty()) throw error(path, "required names properties that are not in properties");
            return primitive("object");
        }
        if (mapForm) {
            if (!required.isEmpty()) throw error(path, "required without properties is not supported");
            String v = additional == null ? primitive("value") : visit(additional, name + "-additional", path + "/additionalProperties");
            String key = primitive("string");
            if (names != null) {
                JsonNode t = names.get("type");
                if (t != null && !(t.isTextual() && t.asText().equals("string"))) throw error(path, "propertyNames must be a string schema");
                key = visit(names, name + "-key", path + "/propertyNames");
            }
            String kv = key + " \":\" space " + v;
            return rule(name, "\"{\" space (" + kv + " (\",\" space " + kv + ")*)? \"}\" space");
        }
        String a = propertyChain(props, required, name, path, false);
        return rule(name, ("\"{\" space " + a + " \"}\" space").replaceAll(" +", " "));
    }

    /**
     * The properties in order, the optional ones skippable, with commas only between those written: as JSON members
     * ({@code "k": v}) or, for a tool call, as Python keyword arguments ({@code k=v}). Empty when there are none.
     */
    private String propertyChain(JsonNode props, Set<String> required, String name, String path, boolean call) {
        List<String> keys = new ArrayList<>();
        List<String> kvs = new ArrayList<>();
        if (props != null) {
            for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String key = e.getKey();
                String v = visit(e.getValue(), name + "-" + sanitize(key), path + "/properties/" + key);
                keys.add(key);
                if (call && !key.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                    throw error(path, "tool argument name '" + key + "' is not a Python identifier");
                }
                String kv = call ? gbnfLiteral(key) + " \"=\" " + v : gbnfLiteral(jsonText(key)) + " space \":\" space " + v;
                kvs.add(rule(name + "-" + sanitize(key) + "-kv", kv));
            }
        }
        for (String r : required) {
            if (!keys.contains(r)) throw error(path, "required property '" + r + "' is not in properties");
        }
        // A(i): properties i.. with none written yet; B(i): with one written before (so each needs a comma)
        String a = "", b = "";
        for (int i = keys.size() - 1; i >= 0; i--) {
            String kv = kvs.get(i);
            String newB, newA;
            if (required.contains(keys.get(i))) {
                newB = "\",\" space " + kv + " " + b;
                newA = kv + " " + b;
            } else {
                newB = "(\",\" space " + kv + ")? " + b;
                newA = "(" + kv + " " + b + (a.isBlank() ? ")?" : " | " + a + ")");
            }
            a = i == 0 ? newA.trim() : rule(name + "-from-" + i, newA.trim());
            if (i > 0) b = rule(name + "-rest-" + i, newB.trim());
        }
        return a;
    }

    /**
     * The keyword arguments of a call to a tool whose parameters are {@code s} (an object schema with
     * {@code properties}, or absent/empty for none), as GBNF.
     */
    void python() {
        python = true;
    }

    String callArguments(JsonNode s, String name, String path) {
        if (s == null || s.isNull() || (s.isObject() && s.isEmpty())) return "\"\"";
        if (!s.isObject()) throw error(path, "parameters must be an object schema");
        root = s;
        only(s, path, Set.of("properties", "required", "additionalProperties"), true);
        if (s.has("type") && !s.get("type").asText().equals("object")) throw error(path, "parameters must be of type object");
        JsonNode additional = s.get("additionalProperties");
        if (additional != null && !(additional.isBoolean() && !additional.booleanValue())) {
            throw error(path, "strict tool parameters cannot allow additionalProperties");
        }
        Set<String> required = new HashSet<>();
        if (s.has("required")) for (JsonNode r : s.get("required")) required.add(r.asText());
        JsonNode props = s.get("properties");
        if (props != null && !props.isObject()) throw error(path, "properties must be an object");
        String chain = propertyChain(props, required, name, path, true);
        return chain.isEmpty() ? "\"\"" : chain;
    }

    /** All rules so far, {@code root} first, as GBNF text. */
    String rulesText(String rootBody) {
        StringBuilder out = new StringBuilder("root ::= ").append(rootBody).append('\n');
        for (Map.Entry<String, String> e : rules.entrySet()) {
            if (!e.getKey().equals("root")) out.append(e.getKey()).append(" ::= ").append(e.getValue()).append('\n');
        }
        return out.toString();
    }

    private String array(JsonNode s, String name, String path) {
        JsonNode items = s.get("items");
        if (items != null && items.isArray()) throw error(path, "items as an array (tuple validation) is not supported");
        if (s.has("uniqueItems") && s.get("uniqueItems").asBoolean()) throw error(path, "unsupported keyword uniqueItems: true");
        String item = items == null ? primitive("value") : visit(items, name + "-item", path + "/items");
        int min = count(s, "minItems", 0, path);
        int max = s.has("maxItems") ? count(s, "maxItems", 0, path) : -1;
        if (max >= 0 && max < min) throw error(path, "maxItems is below minItems");
        if (max == 0) return rule(name, "\"[\" space \"]\" space");
        String more = "(\",\" space " + item + ")";
        int restMin = Math.max(0, min - 1);
        String rest = max < 0 ? (restMin == 0 ? more + "*" : more + "{" + restMin + ",}") : more + "{" + restMin + "," + (max - 1) + "}";
        String body = item + " " + rest;
        if (min == 0) body = "(" + body + ")?";
        return rule(name, "\"[\" space " + body + " \"]\" space");
    }

    private String ref(JsonNode ref, String path) {
        String r = ref.asText();
        String[] prefixes = {"#/$defs/", "#/definitions/"};
        for (String p : prefixes) {
            if (!r.startsWith(p)) continue;
            String defName = r.substring(p.length());
            String key = System.identityHashCode(root) + r;
            String ruleName = refRules.get(key);
            if (ruleName != null) return ruleName;
            JsonNode defs = root.get(p.substring(2, p.length() - 1));
            JsonNode target = defs == null ? null : defs.get(defName);
            if (target == null) throw error(path, "$ref " + r + " points to nothing");
            ruleName = "def-" + sanitize(defName);
            for (int i = 2; rules.containsKey(ruleName); i++) ruleName = "def-" + sanitize(defName) + "-" + i;
            refRules.put(key, ruleName);
            rules.put(ruleName, ""); // reserved: a recursive reference finds the name
            String body = visit(target, ruleName + "-v", r);
            rules.put(ruleName, body);
            return ruleName;
        }
        throw error(path, "$ref " + r + ": only #/$defs/NAME and #/definitions/NAME are supported");
    }

    /** Every keyword of {@code s} must be an annotation, in {@code allowed}, or {@code type} where that is handled. */
    private void only(JsonNode s, String path, Set<String> allowed, boolean typeHandled) {
        for (Iterator<String> it = s.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (ANNOTATIONS.contains(k) || allowed.contains(k) || (typeHandled && k.equals("type"))) continue;
            throw error(path, "unsupported keyword '" + k + "'" + (isKnownElsewhere(k) ? " in this combination" : ""));
        }
    }

    private static boolean isKnownElsewhere(String k) {
        return STRING_KEYS.contains(k) || NUMBER_KEYS.contains(k) || OBJECT_KEYS.contains(k) || ARRAY_KEYS.contains(k)
                || k.equals("enum") || k.equals("const") || k.equals("anyOf") || k.equals("oneOf") || k.equals("$ref");
    }

    private int count(JsonNode s, String k, int dflt, String path) {
        if (!s.has(k)) return dflt;
        JsonNode v = s.get(k);
        if (!v.canConvertToInt() || !v.isIntegralNumber() || v.intValue() < 0) throw error(path, k + " must be a non-negative integer");
        if (v.intValue() > GbnfParser.MAX_REPEAT) throw error(path, k + " above " + GbnfParser.MAX_REPEAT + " is not supported");
        return v.intValue();
    }

    /** Adds a rule (or finds the one with the same body) and returns its name. */
    private String rule(String name, String body) {
        String existing = ruleByBody.get(body);
        if (existing != null) return existing;
        // root itself is written last, as a reference to the rule of the top schema
        String base = name.equals("root") ? "root-value" : name, n = base;
        for (int i = 2; rules.containsKey(n); i++) n = base + "-" + i;
        rules.put(n, body);
        ruleByBody.put(body, n);
        return n;
    }

    /** The shared primitive rules, added when first used. */
    String primitive(String p) {
        if (rules.containsKey(p)) return p;
        switch (p) {
            case "space" -> rules.put(p, "| \" \"");
            case "char" -> rules.put(p, python ? JsonGrammars.CHAR.replace("[\"\\\\/bfnrt]", "[\"\\\\bfnrt]") : JsonGrammars.CHAR);
            case "string" -> {
                primitive("char");
                rules.put(p, "\"\\\"\" char* \"\\\"\" space");
            }
            case "integral-part" -> rules.put(p, JsonGrammars.INTEGRAL_PART);
            case "decimal-part" -> rules.put(p, JsonGrammars.DECIMAL_PART);
            case "integer" -> {
                primitive("integral-part");
                rules.put(p, "(\"-\"? integral-part) space");
            }
            case "number" -> {
                primitive("integral-part");
                primitive("decimal-part");
                rules.put(p, JsonGrammars.NUMBER);
            }
            case "boolean" -> rules.put(p, "(\"true\" | \"false\") space");
            case "null" -> rules.put(p, "\"null\" space");
            case "value" -> {
                rules.put(p, "object | array | string | number | boolean | null");
                for (String d : List.of("object", "array", "string", "number", "boolean", "null")) primitive(d);
            }
            case "object" -> {
                rules.put(p, "\"{\" space (string \":\" space value (\",\" space string \":\" space value)*)? \"}\" space");
                primitive("string");
                primitive("value");
            }
            case "array" -> {
                rules.put(p, "\"[\" space (value (\",\" space value)*)? \"]\" space");
                primitive("value");
            }
            case "date" -> {
                rules.put(p, "[0-9]{4} \"-\" ((\"0\" [13578] | \"1\" [02]) \"-\" day31 | (\"0\" [469] | \"11\") \"-\" day30 | \"02\" \"-\" day28)");
                rules.put("day28", "\"0\" [1-9] | \"1\" [0-9] | \"2\" [0-8]");
                rules.put("day30", "day28 | \"29\" | \"30\"");
                rules.put("day31", "day30 | \"31\"");
            }
            case "time" -> {
                // offsets within +-17:59, as java.time (and so validators built on it) accepts
                rules.put(p, "hour \":\" [0-5] [0-9] \":\" [0-5] [0-9] (\".\" [0-9]{1,9})? (\"Z\" | [+\\-] [0] [0-9] \":\" [0-5] [0-9] | [+\\-] \"1\" [0-7] \":\" [0-5] [0-9])");
                rules.put("hour", "[01] [0-9] | \"2\" [0-3]");
            }
            case "uuid" -> rules.put(p, "[0-9a-f]{8} \"-\" [0-9a-f]{4} \"-\" [0-9a-f]{4} \"-\" [0-9a-f]{4} \"-\" [0-9a-f]{12}");
            default -> throw new IllegalStateException(p);
        }
        if (!p.equals("space")) primitive("space");
        return p;
    }

    private static String jsonLiteral(JsonNode v) {
        try {
            return gbnfLiteral(JSON.writeValueAsString(v));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String jsonText(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A GBNF string literal for {@code s}. */
    static String gbnfLiteral(String s) {
        StringBuilder b = new StringBuilder("\"");
        s.codePoints().forEach(cp -> {
            switch (cp) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (cp < 0x20 || cp == 0x7F) b.append(String.format("\\x%02X", cp));
                    else b.appendCodePoint(cp);
                }
            }
        });
        return b.append('"').toString();
    }

    static String quote(String s) {
        return jsonText(s);
    }

    private static String sanitize(String s) {
        String r = s.replaceAll("[^A-Za-z0-9-]", "-");
        return r.isEmpty() ? "x" : r;
    }

    private static GrammarException error(String path, String what) {
        return new GrammarException("json schema: " + what + " (at " + path + ")");
    }
}
