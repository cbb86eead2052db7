package dev.tessera.core.identity.match;

/**
 * A birth date as three numbers (and as {@code yyyyMMdd} digits), kept even when not a valid calendar date (a typo can make it one), so
 * that dates can be compared digit by digit.
 */
record BirthDate(int year, int month, int day, String digits) {

    /**
     * Reads {@code yyyy-MM-dd} (any separator, single-digit month and day allowed), {@code yyyyMMdd},
     * {@code ddMMyyyy} and {@code dd.MM.yyyy}, the last as {@code MM/dd/yyyy} when its second number cannot
     * be a month and its first can ({@code 12/31/1985}, as US sources write); eight digits are
     * {@code yyyyMMdd} only when they make a month and day that way ({@code 19031985} is 19 March 1985).
     * Null for anything else and for the placeholder dates systems write for "unknown" (1 January 1800,
     * 1900, 1901 and 1970, the zero of Unix time).
     */
    static BirthDate parse(String raw) {
        if (raw == null) {
            return null;
        }
        String[] parts = raw.strip().split("[^0-9]+");
        int y;
        int m;
        int d;
        if (parts.length == 1 && parts[0].length() == 8) {
            String s = parts[0];
            int ymdMonth = Integer.parseInt(s.substring(4, 6));
            int ymdDay = Integer.parseInt(s.substring(6, 8));
            int dmyMonth = Integer.parseInt(s.substring(2, 4));
            int dmyDay = Integer.parseInt(s.substring(0, 2));
            boolean ymd = s.startsWith("18") || s.startsWith("19") || s.startsWith("20");
            if (ymd && !calendar(ymdMonth, ymdDay) && calendar(dmyMonth, dmyDay) && plausibleYear(s.substring(4))) {
                ymd = false;
            }
            if (ymd) {
                y = Integer.parseInt(s.substring(0, 4));
                m = Integer.parseInt(s.substring(4, 6));
                d = Integer.parseInt(s.substring(6, 8));
            } else {
                d = Integer.parseInt(s.substring(0, 2));
                m = Integer.parseInt(s.substring(2, 4));
                y = Integer.parseInt(s.substring(4, 8));
            }
        } else if (parts.length >= 3 && parts[0].length() == 4 && parts[1].length() <= 2 && parts[2].length() <= 2
                && !parts[1].isEmpty() && !parts[2].isEmpty()) {
            y = Integer.parseInt(parts[0]);
            m = Integer.parseInt(parts[1]);
            d = Integer.parseInt(parts[2]);
        } else if (parts.length == 3 && parts[2].length() == 4 && parts[0].length() <= 2 && parts[1].length() <= 2
                && !parts[0].isEmpty() && !parts[1].isEmpty()) {
            d = Integer.parseInt(parts[0]);
            m = Integer.parseInt(parts[1]);
            y = Integer.parseInt(parts[2]);
            if (m > 12 && d >= 1 && d <= 12) {
                int month = d;
                d = m;
                m = month;
            }
        } else {
            return null;
        }
        if (y < 1800 || y > 2100 || (m <= 1 && d <= 1 && (y == 1900 || y == 1800 || y == 1901 || y == 1970))) {
            return null;
        }
        return of(y, m, d);
    }

    private static boolean calendar(int month, int day) {
        return month >= 1 && month <= 12 && day >= 1 && day <= 31;
    }

    private static boolean plausibleYear(String digits) {
        int year = Integer.parseInt(digits);
        return year >= 1800 && year <= 2100;
    }

    /** Days since year 0, roughly (every month 31 days): enough to tell near dates from far ones, also invalid ones. */
    int approximateDay() {
        return year * 372 + month * 31 + day;
    }

    static BirthDate of(int year, int month, int day) {
        char[] digits = new char[8];
        put(digits, 0, year, 4);
        put(digits, 4, month % 100, 2);
        put(digits, 6, day % 100, 2);
        return new BirthDate(year, month, day, new String(digits));
    }

    private static void put(char[] out, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            out[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }
}
