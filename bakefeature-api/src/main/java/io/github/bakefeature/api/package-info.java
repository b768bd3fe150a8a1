/**
 * BakeFeature's public API: value types and interfaces only, no implementation.
 *
 * <ul>
 *   <li>{@link io.github.bakefeature.api.scene} — posed RGB-D frames, cameras and scene bounds;
 *   <li>{@link io.github.bakefeature.api.annotation} — semantic classes and scribble strokes;
 *   <li>{@link io.github.bakefeature.api.feature} — 2D feature extractors and feature maps;
 *   <li>{@link io.github.bakefeature.api.field} — positional encodings and the neural field;
 *   <li>{@link io.github.bakefeature.api.session} — the interactive labelling loop.
 * </ul>
 *
 * <p>Conventions used everywhere: lengths in metres; camera axes are OpenCV's (x right, y down,
 * z forward); the centre of pixel (u, v) has image coordinates (u, v); images are row-major with
 * interleaved channels; arrays held by value types are owned by them and must not be mutated.
 */
package io.github.bakefeature.api;
