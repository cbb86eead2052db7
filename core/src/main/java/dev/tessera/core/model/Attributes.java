package dev.tessera.core.model;

import java.util.regex.Pattern;

/** Rules for canonical attribute names and the well-known names the platform understands. */
public final class Attributes {

    public static final String NAME_PATTERN = "[a-z][a-z0-9_]{0,63}";
    private static final Pattern NAME = Pattern.compile(NAME_PATTERN);

    public static final String FIRST_NAME = "first_name";
    public static final String LAST_NAME = "last_name";
    public static final String EMAIL = "email";
    public static final String PHONE = "phone";
    public static final String BIRTH_DATE = "birth_date";
    public static final String CITY = "city";
    /** Street line including the house number, e.g. {@code 12a Tullaroop Street}. */
    public static final String STREET = "street";
    public static final String POSTCODE = "postcode";
    /** ISO 3166 alpha-2 code or a country name as the source wrote it. */
    public static final String COUNTRY = "country";

    private Attributes() {}

    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }
}
