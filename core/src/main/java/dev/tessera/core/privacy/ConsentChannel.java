package dev.tessera.core.privacy;

import java.util.Locale;
import java.util.Optional;

/** Where consent applies; {@link #ANY} covers every channel of a purpose. */
public enum ConsentChannel {
    EMAIL, SMS, PHONE, POST, WEB, PUSH, ANY;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The channel with this lower-case code; empty for anything else. */
    public static Optional<ConsentChannel> of(String code) {
        if (code == null) {
            return Optional.empty();
        }
        for (ConsentChannel c : values()) {
            if (c.code().equals(code)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
