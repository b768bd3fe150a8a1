package io.github.bakefeature.api.field;

/**
 * Field values at {@code count} world points: density {@code [count]} (1/metre), class
 * probabilities {@code [count, classCount]} (null when the field has no classes) and colour
 * {@code [count, 3]} in [0, 1], or null when the implementation does not evaluate colour (colour
 * depends on the view direction, which {@link FieldModel#query} does not take; the library's
 * fields return null).
 */
public record PointQuery(int count, float[] density, float[] classProbabilities, int classCount, float[] colour) {}
