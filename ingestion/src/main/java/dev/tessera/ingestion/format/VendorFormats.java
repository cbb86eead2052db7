package dev.tessera.ingestion.format;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The built-in vendor formats by configuration name, built for one source's {@link FormatOptions}.
 * Thread-safe; formats are created once.
 */
public final class VendorFormats {

    private static final Map<String, Function<FormatOptions, VendorFormat>> FACTORIES = factories();

    private final Map<String, VendorFormat> formats;

    public VendorFormats(FormatOptions options) {
        Objects.requireNonNull(options, "options");
        Map<String, VendorFormat> built = new LinkedHashMap<>();
        FACTORIES.forEach((name, factory) -> built.put(name, factory.apply(options)));
        this.formats = Collections.unmodifiableMap(built);
    }

    public static VendorFormats withDefaults() {
        return new VendorFormats(FormatOptions.defaults());
    }

    /** The names configuration may use, in documentation order. */
    public static Set<String> names() {
        return FACTORIES.keySet();
    }

    /** @throws IllegalArgumentException for an unknown name, listing the known ones (for start-up validation) */
    public VendorFormat byName(String name) {
        return find(name).orElseThrow(() -> new IllegalArgumentException(
                "unknown format '" + name + "'; known formats: " + String.join(", ", names())));
    }

    public Optional<VendorFormat> find(String name) {
        return Optional.ofNullable(name).map(formats::get);
    }

    public List<VendorFormat> all() {
        return List.copyOf(formats.values());
    }

    private static Map<String, Function<FormatOptions, VendorFormat>> factories() {
        Map<String, Function<FormatOptions, VendorFormat>> all = new LinkedHashMap<>();
        List<Function<FormatOptions, VendorFormat>> list = List.of(
                ShopFormats.ShopifyOrder::new,
                ShopFormats.ShopifyCustomer::new,
                ShopFormats.WooCommerceOrder::new,
                ShopFormats.WooCommerceCustomer::new,
                CrmFormats.SalesforceContact::new,
                CrmFormats.HubSpotContact::new,
                SupportFormats.ZendeskTicket::new,
                SupportFormats.ZendeskUser::new,
                SupportFormats.ZendeskSatisfaction::new,
                SupportFormats.FreshdeskTicket::new,
                SupportFormats.FreshdeskConversation::new,
                SupportFormats.FreshdeskContact::new,
                SupportFormats.IntercomConversation::new,
                SurveyFormats.TypeformResponse::new,
                SurveyFormats.SurveyMonkeyResponse::new,
                EventFormats.Segment::identify,
                EventFormats.Segment::track,
                EventFormats.Segment::batch);
        FormatOptions probe = FormatOptions.defaults();
        for (Function<FormatOptions, VendorFormat> factory : list) {
            all.put(factory.apply(probe).name(), factory);
        }
        return Collections.unmodifiableMap(all);
    }
}
