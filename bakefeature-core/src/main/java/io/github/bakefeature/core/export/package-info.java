/**
 * Exports of a fitted scene: per-frame dense masks (class-id PNGs and colour overlays, optionally
 * cleaned to the largest connected components per class) and a labelled, voxel-downsampled 3D
 * point cloud (binary PLY). Both read the model through a {@link
 * io.github.bakefeature.core.export.ViewSource}, so a trained {@code FieldModel} and a live
 * {@code LabelSession} export the same way.
 */
package io.github.bakefeature.core.export;
