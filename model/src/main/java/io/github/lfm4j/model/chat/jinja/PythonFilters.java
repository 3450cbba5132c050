package io.github.lfm4j.model.chat.jinja;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.Filter;
import io.github.lfm4j.model.chat.PythonJson;
import io.github.lfm4j.model.chat.PythonStrings;
import java.util.List;
import java.util.Map;

/**
 * Jinja filters whose Python (Hugging Face) behaviour differs from jinjava's and shows in prompts:
 * {@code tojson} (jinjava writes compact JSON, HF writes {@code json.dumps} with {@code ", "}/{@code ": "}),
 * {@code trim} (Python's whitespace set) and {@code string} ({@code True}, {@code None}, Python float repr).
 */
final class PythonFilters {
    private PythonFilters() {}

    static List<Filter> all() {
        return List.of(new ToJson(), new Trim(), new Str());
    }

    static final class ToJson implements Filter {
        @Override
        public String getName() {
            return "tojson";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            return PythonJson.dumps(var, args.length > 0 ? indent(args[0]) : -1);
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
            Object indent = kwargs.containsKey("indent") ? kwargs.get("indent") : (args.length > 0 ? args[0] : null);
            return PythonJson.dumps(var, indent == null ? -1 : indent(String.valueOf(indent)));
        }

        private static int indent(String s) {
            try {
                return Integer.parseInt(s.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("tojson: indent must be a whole number, got " + s);
            }
        }
    }

    static final class Trim implements Filter {
        @Override
        public String getName() {
            return "trim";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            String chars = args.length > 0 ? args[0] : null;
            return PythonStrings.strip(PythonJson.str(var), chars);
        }
    }

    static final class Str implements Filter {
        @Override
        public String getName() {
            return "string";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            return PythonJson.str(var);
        }
    }
}
