package dev.tessera.core.model;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.JacksonModule;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.ext.javatime.deser.InstantDeserializer;
import tools.jackson.databind.module.SimpleModule;

/**
 * Instants as stored text, the ISO-8601 form {@link Instant#toString()} writes ({@code
 * 2026-11-27T08:10:00Z}, {@code 2026-11-27T08:10:00.250Z}), written and read without {@link DateTimeFormatter}.
 * Stored tallies, timelines and golden records hold many instants, and formatting and parsing them through
 * the JDK's formatter was about a tenth of the CPU of an interaction append (docs/benchmarks.md). The text is
 * exactly what the formatter writes; anything this class does not read itself (another offset, lowercase
 * letters, a year outside 0–9999, a number) goes to the formatter or to Jackson's own reader, so what was
 * accepted before still is. Pure and thread-safe.
 */
public final class InstantText {

    private static final long SECONDS_PER_DAY = 86_400;
    /** 0000-01-01T00:00:00Z and 10000-01-01T00:00:00Z: the years written with four digits and no sign. */
    private static final long MIN_FAST = LocalDate.of(0, 1, 1).toEpochDay() * SECONDS_PER_DAY;
    private static final long MAX_FAST = LocalDate.of(10_000, 1, 1).toEpochDay() * SECONDS_PER_DAY;

    private InstantText() {}

    /** {@code instant.toString()}, the same characters. */
    public static String format(Instant instant) {
        long seconds = instant.getEpochSecond();
        if (seconds < MIN_FAST || seconds >= MAX_FAST) {
            return DateTimeFormatter.ISO_INSTANT.format(instant);
        }
        long day = Math.floorDiv(seconds, SECONDS_PER_DAY);
        int secondOfDay = (int) Math.floorMod(seconds, SECONDS_PER_DAY);
        LocalDate date = LocalDate.ofEpochDay(day);
        StringBuilder out = new StringBuilder(30);
        digits(out, date.getYear(), 4).append('-');
        digits(out, date.getMonthValue(), 2).append('-');
        digits(out, date.getDayOfMonth(), 2).append('T');
        digits(out, secondOfDay / 3600, 2).append(':');
        digits(out, secondOfDay / 60 % 60, 2).append(':');
        digits(out, secondOfDay % 60, 2);
        int nanos = instant.getNano();
        if (nanos > 0) { // as the formatter: 3, 6 or 9 digits, as many as needed
            out.append('.');
            if (nanos % 1_000_000 == 0) {
                digits(out, nanos / 1_000_000, 3);
            } else if (nanos % 1_000 == 0) {
                digits(out, nanos / 1_000, 6);
            } else {
                digits(out, nanos, 9);
            }
        }
        return out.append('Z').toString();
    }

    /**
     * The instant of ISO-8601 text as {@link Instant#parse} reads it.
     *
     * @throws DateTimeException when it is not one
     */
    public static Instant parse(CharSequence text) {
        Instant fast = parseFast(text);
        return fast != null ? fast : DateTimeFormatter.ISO_INSTANT.parse(text, Instant::from);
    }

    /** {@code yyyy-MM-ddTHH:mm:ss[.f…]Z} with valid fields, else null (the caller asks the formatter). */
    static Instant parseFast(CharSequence s) {
        int n = s.length();
        if (n < 20 || n > 30 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T'
                || s.charAt(13) != ':' || s.charAt(16) != ':' || s.charAt(n - 1) != 'Z') {
            return null;
        }
        int year = number(s, 0, 4);
        int month = number(s, 5, 2);
        int day = number(s, 8, 2);
        int hour = number(s, 11, 2);
        int minute = number(s, 14, 2);
        int second = number(s, 17, 2);
        if ((year | month | day | hour | minute | second) < 0 || month < 1 || month > 12 || day < 1 || hour > 23
                || minute > 59 || second > 59 || day > LocalDate.of(year, month, 1).lengthOfMonth()) {
            return null;
        }
        int nanos = 0;
        if (n > 20) {
            int fraction = n - 21; // between the dot and the Z
            if (s.charAt(19) != '.' || fraction < 1 || fraction > 9) {
                return null;
            }
            nanos = number(s, 20, fraction);
            if (nanos < 0) {
                return null;
            }
            for (int i = fraction; i < 9; i++) {
                nanos *= 10;
            }
        }
        long epochDay = LocalDate.of(year, month, day).toEpochDay();
        return Instant.ofEpochSecond(epochDay * SECONDS_PER_DAY + hour * 3600L + minute * 60L + second, nanos);
    }

    /** The decimal number of {@code length} ASCII digits at {@code from}; -1 when one is not a digit. */
    private static int number(CharSequence s, int from, int length) {
        int value = 0;
        for (int i = from; i < from + length; i++) {
            int d = s.charAt(i) - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            value = value * 10 + d;
        }
        return value;
    }

    private static StringBuilder digits(StringBuilder out, int value, int width) {
        String text = Integer.toString(value);
        for (int i = text.length(); i < width; i++) {
            out.append('0');
        }
        return out.append(text);
    }

    /**
     * A Jackson module that writes and reads {@link Instant}s through this class; other shapes (numbers,
     * other offsets) are read by Jackson's own instant reader.
     */
    public static JacksonModule jacksonModule() {
        SimpleModule module = new SimpleModule("tessera-instant-text");
        module.addSerializer(Instant.class, new ValueSerializer<Instant>() {
            @Override
            public void serialize(Instant value, tools.jackson.core.JsonGenerator gen, SerializationContext ctxt) {
                gen.writeString(format(value));
            }
        });
        module.addDeserializer(Instant.class, new ValueDeserializer<Instant>() {
            @Override
            public Instant deserialize(JsonParser p, DeserializationContext ctxt) {
                if (p.currentToken() == JsonToken.VALUE_STRING) {
                    Instant fast = parseFast(p.getString());
                    if (fast != null) {
                        return fast;
                    }
                }
                return InstantDeserializer.INSTANT.deserialize(p, ctxt);
            }
        });
        return module;
    }
}
