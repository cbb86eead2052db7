package dev.tessera.ingestion.system;

import dev.tessera.core.identity.IdentitySettings;
import dev.tessera.core.store.RedisSettings;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the ingestion app (prefix {@code tessera}): Redis, the sources integrators declare, and
 * how records become profiles ({@code identity}, shared with the profile service). Documented with
 * examples in docs/sources.md and docs/identity.md.
 */
@Validated
@ConfigurationProperties("tessera")
public record IngestionProperties(
        @Valid @NotNull @DefaultValue Redis redis,
        @NotNull @Pattern(regexp = "[A-Z]{2}", message = "must be an ISO 3166 region code such as GB")
        @DefaultValue("GB") String phoneDefaultRegion,
        @Valid @NotNull @DefaultValue List<Source> sources,
        @NotNull @DefaultValue IdentitySettings identity) {

    /** Redis connection; the default URL lives in core's {@link RedisSettings}. */
    public record Redis(String url, @DefaultValue("false") boolean cluster, Duration timeout) {

        public RedisSettings settings() {
            return new RedisSettings(url, cluster, timeout);
        }
    }

    public enum Kind { CRM, SHOP, SUPPORT, SURVEY, EVENTS }

    /** How data arrives. Only folders exist so far; webhooks, Kafka and polling come with their routes. */
    public enum Transport { FOLDER }

    public enum Format { CSV }

    /**
     * One source system.
     *
     * @param name      source name, part of every source record id (e.g. {@code crm}); never rename a live one
     * @param enabled   a disabled source keeps its configuration but starts no route
     */
    public record Source(
            @NotBlank @Pattern(regexp = "[a-z0-9][a-z0-9_-]{0,63}", message = "must be lower-case letters, digits, - or _")
            String name,
            @NotNull Kind kind,
            @NotNull @DefaultValue("FOLDER") Transport transport,
            @NotNull @DefaultValue("CSV") Format format,
            @DefaultValue("true") boolean enabled,
            @Valid Folder folder,
            @Valid @NotNull @DefaultValue Csv csv,
            @Valid @NotNull Mapping mapping) {

        public String routeId() {
            return "source-" + name;
        }
    }

    /**
     * A folder watched for files. Finished files move to {@code inbox/.done}, files that failed as a whole
     * to {@code inbox/.failed}; names starting with a dot are never read, so writers can write under a
     * dot-name and rename.
     */
    public record Folder(
            @NotNull Path inbox,
            @NotBlank @DefaultValue(".*\\.csv") String include,
            @NotNull @DefaultValue("1s") Duration pollDelay) {}

    /** CSV dialect. The first line is the header; a UTF-8 byte order mark is ignored. */
    public record Csv(
            @DefaultValue(",") @Size(min = 1, max = 1) String delimiter,
            @NotBlank @DefaultValue("UTF-8") String charset) {}

    /**
     * How columns become a canonical record. Column names are header names.
     *
     * @param sourceId    column with the record's id in the source; without it the id is a digest of the row
     * @param email       columns holding email addresses
     * @param phone       columns holding phone numbers
     * @param observedAt  column with the record's last-change time; without it the file's modification time
     * @param attributes  canonical attribute name to column
     * @param dates       canonical attributes that are dates (stored as yyyy-MM-dd)
     * @param dateFormats accepted date(-time) patterns; {@code ISO} accepts ISO-8601 forms
     * @param timeZone    zone of date-times that carry none
     * @param phoneRegion region of phone numbers without country prefix, if not {@code phoneDefaultRegion}
     */
    public record Mapping(
            String sourceId,
            @NotNull @DefaultValue List<@NotBlank String> email,
            @NotNull @DefaultValue List<@NotBlank String> phone,
            String observedAt,
            @NotNull @DefaultValue Map<String, @NotBlank String> attributes,
            @NotNull @DefaultValue List<String> dates,
            @NotEmpty @DefaultValue("ISO") List<String> dateFormats,
            @NotBlank @DefaultValue("UTC") String timeZone,
            @Pattern(regexp = "[A-Z]{2}", message = "must be an ISO 3166 region code such as US") String phoneRegion) {}
}
