package dev.tessera.core.identity.match;

import java.util.Locale;
import java.util.Set;

/**
 * An email address reduced to the mailbox it delivers to: lower case, {@code +tag} sub-addresses dropped,
 * and for Gmail the dots in the name ignored and {@code googlemail.com} read as {@code gmail.com}. Two
 * addresses are equal when they deliver to the same mailbox.
 *
 * @param words the mailbox name as written, lower case, without the {@code +tag}: its dots still separate
 *              the words of a name ({@code mark.jones} at Gmail, whose {@code local} is {@code markjones})
 */
record EmailAddress(String full, String local, String domain, String words) {

    /** Mailbox names that say nothing about the person. */
    private static final Set<String> ROLE_NAMES = Set.of(
            "info", "mail", "email", "contact", "office", "admin", "sales", "support", "hello", "kontakt",
            "post", "noreply", "no-reply", "test", "service", "billing", "team", "home", "family");

    static EmailAddress parse(String raw) {
        if (raw == null) {
            return null;
        }
        String value = raw.strip().toLowerCase(Locale.ROOT);
        int at = value.lastIndexOf('@');
        if (at <= 0 || at == value.length() - 1) {
            return null;
        }
        String local = value.substring(0, at);
        String domain = value.substring(at + 1);
        int plus = local.indexOf('+');
        if (plus > 0) {
            local = local.substring(0, plus);
        }
        String words = local;
        if (domain.equals("gmail.com") || domain.equals("googlemail.com")) {
            domain = "gmail.com";
            local = local.replace(".", "");
        }
        return new EmailAddress(local + "@" + domain, local, domain, words);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof EmailAddress that && full.equals(that.full);
    }

    @Override
    public int hashCode() {
        return full.hashCode();
    }

    /**
     * The first label of free-mail providers' domains in many countries. Two addresses at two of them
     * are at two providers however alike the domains look ({@code uol.com.br} / {@code bol.com.br},
     * {@code gmail.com} / {@code mail.com}), not one domain misspelt.
     */
    private static final Set<String> PROVIDERS = Set.of(
            "gmail", "googlemail", "hotmail", "outlook", "live", "msn", "yahoo", "ymail", "aol", "icloud", "me",
            "mac", "mail", "email", "gmx", "web", "t-online", "freenet", "posteo", "yandex", "proton", "protonmail",
            "zoho", "orange", "free", "sfr", "laposte", "wanadoo", "neuf", "libero", "tiscali", "virgilio", "alice",
            "tim", "wp", "o2", "onet", "op", "interia", "poczta", "uol", "bol", "terra", "ig", "globo",
            "rediffmail", "btinternet", "sky", "virginmedia", "talktalk", "telefonica", "movistar", "kpnmail",
            "ziggo", "hetnet", "planet", "home", "seznam", "qq", "163", "126", "naver", "daum");

    /**
     * True when two different domains are two mailbox providers rather than one domain misspelt: the same
     * provider under other endings ({@code hotmail.com} / {@code hotmail.fr}, {@code gmx.de} / {@code gmx.net};
     * an ending one edit away, {@code gmail.co}, is a typo), or two known providers.
     */
    static boolean otherProvider(String domainA, String domainB) {
        int dotA = domainA.indexOf('.');
        int dotB = domainB.indexOf('.');
        if (dotA <= 0 || dotB <= 0) {
            return false;
        }
        String labelA = domainA.substring(0, dotA);
        String labelB = domainB.substring(0, dotB);
        if (labelA.equals(labelB)) {
            return !StringSimilarity.withinOneEdit(domainA.substring(dotA + 1), domainB.substring(dotB + 1));
        }
        return PROVIDERS.contains(labelA) && PROVIDERS.contains(labelB);
    }

    /** True when the mailbox name could identify a person (not {@code info@}, not two letters). */
    boolean personalLocalPart() {
        return local.length() >= 4 && !ROLE_NAMES.contains(local);
    }
}
