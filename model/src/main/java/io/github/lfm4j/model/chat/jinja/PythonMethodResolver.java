package io.github.lfm4j.model.chat.jinja;

import io.github.lfm4j.model.chat.PythonStrings;
import java.beans.FeatureDescriptor;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;

/**
 * Answers Python method calls that Hugging Face chat templates make on strings and dicts
 * ({@code content.split("</think>")}, {@code name.startswith("x")}, {@code args.items()}), which jinjava would
 * otherwise send to the Java object: {@code String.split} (regex, trailing empties dropped) silently gives a
 * different prompt, {@code startswith} does not exist at all. Everything else falls through to jinjava.
 */
final class PythonMethodResolver extends ELResolver {

    @Override
    public Object invoke(ELContext context, Object base, Object method, Class<?>[] paramTypes, Object[] params) {
        if (!(method instanceof String name)) return null;
        Object[] args = params == null ? new Object[0] : params;
        Object result;
        if (base instanceof String s) {
            result = stringMethod(s, name, args);
        } else if (base instanceof Map<?, ?> map) {
            result = mapMethod(map, name, args);
        } else {
            return null;
        }
        if (result == NOT_HANDLED) return null;
        context.setPropertyResolved(true);
        return result;
    }

    private static final Object NOT_HANDLED = new Object();

    private static Object stringMethod(String s, String name, Object[] a) {
        return switch (name) {
            case "strip" -> PythonStrings.strip(s, optString(a, 0));
            case "lstrip" -> PythonStrings.lstrip(s, optString(a, 0));
            case "rstrip" -> PythonStrings.rstrip(s, optString(a, 0));
            case "split" -> new ArrayList<>(PythonStrings.split(s, optString(a, 0), optInt(a, 1, -1)));
            case "rsplit" -> new ArrayList<>(PythonStrings.rsplit(s, optString(a, 0), optInt(a, 1, -1)));
            case "startswith" -> anyPrefix(s, a, true);
            case "endswith" -> anyPrefix(s, a, false);
            case "upper" -> s.toUpperCase(Locale.ROOT);
            case "lower" -> s.toLowerCase(Locale.ROOT);
            case "title" -> title(s);
            case "capitalize" -> s.isEmpty() ? s
                    : s.substring(0, s.offsetByCodePoints(0, 1)).toUpperCase(Locale.ROOT)
                            + s.substring(s.offsetByCodePoints(0, 1)).toLowerCase(Locale.ROOT);
            case "replace" -> a.length >= 2 ? replace(s, str(a[0]), str(a[1]), optInt(a, 2, -1)) : NOT_HANDLED;
            case "find" -> a.length >= 1 ? (long) s.indexOf(str(a[0])) : NOT_HANDLED;
            case "count" -> a.length >= 1 ? (long) PythonStrings.split(s, str(a[0]), -1).size() - 1 : NOT_HANDLED;
            case "join" -> a.length == 1 && a[0] instanceof Iterable<?> it ? join(s, it) : NOT_HANDLED;
            case "isdigit" -> !s.isEmpty() && s.codePoints().allMatch(Character::isDigit);
            case "isspace" -> !s.isEmpty() && s.codePoints().allMatch(PythonStrings::isSpace);
            default -> NOT_HANDLED;
        };
    }

    private static Object mapMethod(Map<?, ?> map, String name, Object[] a) {
        return switch (name) {
            case "items" -> {
                // Pairs are mutable lists because values may be None, which List.of rejects.
                List<List<Object>> items = new ArrayList<>();
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    List<Object> pair = new ArrayList<>(2);
                    pair.add(e.getKey());
                    pair.add(e.getValue());
                    items.add(pair);
                }
                yield items;
            }
            case "keys" -> new ArrayList<>(map.keySet());
            case "values" -> new ArrayList<>(map.values());
            case "get" -> a.length >= 1 ? (map.containsKey(a[0]) ? map.get(a[0]) : (a.length > 1 ? a[1] : null)) : NOT_HANDLED;
            default -> NOT_HANDLED;
        };
    }

    private static boolean anyPrefix(String s, Object[] a, boolean start) {
        if (a.length == 0) return false;
        Iterable<?> options = a[0] instanceof Iterable<?> it ? it : List.of(a[0]);
        for (Object o : options) {
            String p = str(o);
            if (start ? s.startsWith(p) : s.endsWith(p)) return true;
        }
        return false;
    }

    private static String replace(String s, String old, String rep, int count) {
        if (count < 0) return s.replace(old, rep);
        StringBuilder out = new StringBuilder();
        int start = 0;
        int at;
        int n = 0;
        while (n < count && (at = s.indexOf(old, start)) >= 0) {
            out.append(s, start, at).append(rep);
            start = at + old.length();
            n++;
            if (old.isEmpty()) {
                if (start < s.length()) out.append(s.charAt(start));
                start++;
            }
        }
        if (start <= s.length()) out.append(s.substring(Math.min(start, s.length())));
        return out.toString();
    }

    private static String title(String s) {
        StringBuilder out = new StringBuilder();
        boolean prevCased = false;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            out.appendCodePoint(prevCased ? Character.toLowerCase(cp) : Character.toTitleCase(cp));
            prevCased = Character.isLetter(cp);
            i += Character.charCount(cp);
        }
        return out.toString();
    }

    private static String join(String sep, Iterable<?> items) {
        StringBuilder out = new StringBuilder();
        Iterator<?> it = items.iterator();
        while (it.hasNext()) {
            out.append(str(it.next()));
            if (it.hasNext()) out.append(sep);
        }
        return out.toString();
    }

    private static String str(Object o) {
        return io.github.lfm4j.model.chat.PythonJson.str(o);
    }

    private static String optString(Object[] a, int i) {
        return a.length > i && a[i] != null ? str(a[i]) : null;
    }

    private static int optInt(Object[] a, int i, int dflt) {
        return a.length > i && a[i] instanceof Number n ? n.intValue() : dflt;
    }

    @Override
    public Object getValue(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public Class<?> getType(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public void setValue(ELContext context, Object base, Object property, Object value) {}

    @Override
    public boolean isReadOnly(ELContext context, Object base, Object property) {
        return true;
    }

    @Override
    public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
        return null;
    }

    @Override
    public Class<?> getCommonPropertyType(ELContext context, Object base) {
        return null;
    }
}
