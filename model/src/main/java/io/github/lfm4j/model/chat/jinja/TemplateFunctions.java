package io.github.lfm4j.model.chat.jinja;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Global functions Hugging Face provides to chat templates. Public because jinjava binds them by reflection. */
public final class TemplateFunctions {
    private TemplateFunctions() {}

    /** {@code raise_exception(msg)}: the template refuses the conversation. */
    public static Object raiseException(Object message) {
        throw new TemplateRaisedException(String.valueOf(message));
    }

    /** Context variable holding the {@link ZonedDateTime} that {@code strftime_now} reports. */
    static final String NOW_VARIABLE = "__lfm4j_now";

    /**
     * {@code strftime_now(fmt)}: "now" in a C strftime format. Now is the time the renderer put in the context
     * (so a caller can pin the date), else the clock's. Supports the directives chat templates use
     * ({@code %Y %m %d %H %M %S %B %b %A %a %y %j %p %%}).
     */
    public static String strftimeNow(String format) {
        JinjavaInterpreter interpreter = JinjavaInterpreter.getCurrent();
        Object now = interpreter == null ? null : interpreter.getContext().get(NOW_VARIABLE);
        return strftime(format, now instanceof ZonedDateTime t ? t : ZonedDateTime.now());
    }

    static String strftime(String format, ZonedDateTime t) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < format.length(); i++) {
            char c = format.charAt(i);
            if (c != '%' || i + 1 == format.length()) {
                out.append(c);
                continue;
            }
            char d = format.charAt(++i);
            switch (d) {
                case 'Y' -> out.append(t.getYear());
                case 'y' -> out.append(String.format("%02d", t.getYear() % 100));
                case 'm' -> out.append(String.format("%02d", t.getMonthValue()));
                case 'd' -> out.append(String.format("%02d", t.getDayOfMonth()));
                case 'H' -> out.append(String.format("%02d", t.getHour()));
                case 'M' -> out.append(String.format("%02d", t.getMinute()));
                case 'S' -> out.append(String.format("%02d", t.getSecond()));
                case 'j' -> out.append(String.format("%03d", t.getDayOfYear()));
                case 'p' -> out.append(t.getHour() < 12 ? "AM" : "PM");
                case 'B' -> out.append(t.format(DateTimeFormatter.ofPattern("MMMM", Locale.ENGLISH)));
                case 'b' -> out.append(t.format(DateTimeFormatter.ofPattern("MMM", Locale.ENGLISH)));
                case 'A' -> out.append(t.format(DateTimeFormatter.ofPattern("EEEE", Locale.ENGLISH)));
                case 'a' -> out.append(t.format(DateTimeFormatter.ofPattern("EEE", Locale.ENGLISH)));
                case '%' -> out.append('%');
                default -> out.append('%').append(d);
            }
        }
        return out.toString();
    }

    /** Carries the template author's message out of jinjava. */
    static final class TemplateRaisedException extends RuntimeException {
        TemplateRaisedException(String message) {
            super(message);
        }
    }
}
