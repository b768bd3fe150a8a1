/**
 * 2D feature extraction and the per-scene feature cache (paper section III-C).
 *
 * <ul>
 *   <li>{@link io.github.bakefeature.core.features.FilterBankFeatureExtractor}: the weight-free
 *       default, an ilastik-style bank of Gaussian-derivative filters on CIE Lab colour.
 *   <li>{@link io.github.bakefeature.core.features.TorchScriptFeatureExtractor}: any TorchScript
 *       backbone (e.g. DINO ViT-S/8 exported by {@code tools/export_dino.py}) through DJL.
 *   <li>{@link io.github.bakefeature.core.features.FeatureAutoencoder}: compresses M-dimensional
 *       features to D (64) dimensions; fitted once per scene, then frozen.
 *   <li>{@link io.github.bakefeature.core.features.FeatureCache}: extracts, fits, encodes and
 *       stores the encoded features of every frame on disk (float16), and serves nearest-neighbour
 *       look-ups to the trainer.
 *   <li>{@link io.github.bakefeature.core.features.FeaturePca}: projects feature maps to RGB for
 *       display (the paper's Fig. 1).
 * </ul>
 */
package io.github.bakefeature.core.features;
