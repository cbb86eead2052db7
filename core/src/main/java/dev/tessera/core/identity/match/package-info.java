/**
 * Probabilistic record matching as pure functions: the pieces a resolver combines to decide whether two
 * {@link dev.tessera.core.model.CustomerRecord}s describe the same person, and to explain why.
 *
 * <ul>
 *   <li>{@link dev.tessera.core.identity.match.TextNormalizer}, {@link dev.tessera.core.identity.match.StringSimilarity},
 *       {@link dev.tessera.core.identity.match.Nicknames}, {@link dev.tessera.core.identity.match.Phonetic} and
 *       {@link dev.tessera.core.identity.match.StreetAddress}: folding, similarity measures and reference data.</li>
 *   <li>{@link dev.tessera.core.identity.match.FieldComparators}: one discrete
 *       {@link dev.tessera.core.identity.match.ComparisonLevel} per {@link dev.tessera.core.identity.match.MatchField}
 *       for a pair of {@link dev.tessera.core.identity.match.PreparedRecord}s.</li>
 *   <li>{@link dev.tessera.core.identity.match.MatchModel}: Fellegi–Sunter m/u weights that turn a
 *       {@link dev.tessera.core.identity.match.Comparison} into a {@link dev.tessera.core.identity.match.MatchScore}
 *       with per-field contributions; {@link dev.tessera.core.identity.match.MatchModel#defaults()} is built in and
 *       {@link dev.tessera.core.identity.match.EmEstimator} estimates a model from unlabelled records.</li>
 *   <li>{@link dev.tessera.core.identity.match.BlockingKeys}: which stored records a new one must be compared with.</li>
 * </ul>
 *
 * With the default model, two records whose match weight is at least about 6 bits (probability ≈ 0.985)
 * are the same person in the measurements of {@code MatchQualityTest} (Febrl 1–4, Splink fake_1000).
 */
package dev.tessera.core.identity.match;
