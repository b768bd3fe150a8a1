/**
 * Importers that convert other datasets' layouts into the scene format: Semantic-NeRF's Replica
 * renders ({@link io.github.bakefeature.core.dataparsers.ReplicaImporter}), nerfstudio /
 * instant-ngp {@code transforms.json}
 * ({@link io.github.bakefeature.core.dataparsers.TransformsJsonImporter}), Microsoft 7-Scenes
 * ({@link io.github.bakefeature.core.dataparsers.SevenScenesImporter}), the TUM RGB-D benchmark /
 * SLAM trajectories ({@link io.github.bakefeature.core.dataparsers.TumImporter}) and ScanNet's
 * SensReader exports ({@link io.github.bakefeature.core.dataparsers.ScanNetImporter}). Each states its source's
 * pose, camera and depth conventions and converts them to ours: world-to-camera poses in OpenCV
 * camera axes, metres, pixel centres at integer image coordinates, z-depth.
 * {@link io.github.bakefeature.core.dataparsers.Importers} finds one by name.
 */
package io.github.bakefeature.core.dataparsers;
