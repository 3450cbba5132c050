package io.github.lfm4j.model.grammar;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.lfm4j.model.chat.tools.ToolCallFormatter;
import io.github.lfm4j.model.chat.tools.ToolDefinition;

import java.util.ArrayList;
import java.util.List;

/**
 * The grammar of an answer that may call tools in LFM2's own syntax,
 * {@code <|tool_call_start|>[name(arg=value, ...)]<|tool_call_end|>}, with each call's keyword arguments
 * constrained to the tool's parameter schema (values written as JSON, which the tool-call parser reads as Python
 * literals). The text before the call block is free; the block ends the answer. Tools not marked {@code "strict": true} may still be called, with
 * any JSON values for any argument names. So every call the model makes names a known tool, and every strict
 * tool's arguments validate against its schema.
 */
public final class ToolCallGrammar {
    private ToolCallGrammar() {}

    /** Whether a tool definition asks for strict arguments ({@code "strict": true}, at the top or in "function"). */
    public static boolean isStrict(ToolDefinition tool) {
        JsonNode fn = tool.json().get("function");
        JsonNode strict = fn != null && fn.isObject() && fn.has("strict") ? fn.get("strict") : tool.json().get("strict");
        return strict != null && strict.asBoolean(false);
    }

    /** The GBNF text for answers to a conversation with these tools (free text, then an optional call block). */
    /** Calls one answer's call block may hold. */
    public static final int MAX_CALLS = 4;

    public static String toGbnf(List<ToolDefinition> tools) {
        return toGbnf(tools, false);
    }

    /**
     * Like {@link #toGbnf(List)}; with {@code required} (tool_choice "required" or a named tool) the answer is the
     * call block alone: free text first would let a model write until max_tokens without ever calling.
     */
    public static String toGbnf(List<ToolDefinition> tools, boolean required) {
        if (tools.isEmpty()) throw new GrammarException("tool-call grammar: no tools");
        JsonSchemaConverter c = new JsonSchemaConverter(null);
        c.python(); // before any rule: strings are read as Python literals
        c.primitive("space");
        List<String> calls = new ArrayList<>();
        for (int i = 0; i < tools.size(); i++) {
            ToolDefinition t = tools.get(i);
            JsonNode fn = t.json().has("function") ? t.json().get("function") : t.json();
            String name = "tool-" + i;
            String args;
            if (isStrict(t)) {
                args = c.callArguments(fn.get("parameters"), name, "tools/" + i + "/parameters");
            } else {
                // any keyword arguments with JSON values
                c.primitive("value");
                args = "(tool-kwarg (\",\" space tool-kwarg)*)?";
            }
            calls.add(JsonSchemaConverter.gbnfLiteral(t.name() + "(") + " " + args + " \")\"");
        }
        // the turn ends with the call block: the tool results come back in the next message
        String body = required ? "tool-calls" : "text tool-calls?";
        String rules = c.rulesText(body);
        rules += "text ::= [^\\x00]*\n";
        // at most MAX_CALLS calls in one block: unbounded, a model that never closes the list (a random one, or a
        // looping one) writes calls until the context ends
        rules += "tool-calls ::= " + ToolCallFormatter.CALL_START + " \"[\" tool-call (\",\" space tool-call){0,"
                + (MAX_CALLS - 1) + "} \"]\" "
                + ToolCallFormatter.CALL_END + "\n";
        rules += "tool-call ::= " + String.join(" | ", calls) + "\n";
        if (rules.contains("tool-kwarg")) rules += "tool-kwarg ::= [A-Za-z_] [A-Za-z0-9_]{0,63} \"=\" value\n";
        return rules;
    }

    public static Grammar compile(List<ToolDefinition> tools) {
        return Grammar.parse(toGbnf(tools));
    }

    /** {@link #toGbnf(List, boolean)} compiled. */
    public static Grammar compile(List<ToolDefinition> tools, boolean required) {
        return Grammar.parse(toGbnf(tools, required));
    }
}
