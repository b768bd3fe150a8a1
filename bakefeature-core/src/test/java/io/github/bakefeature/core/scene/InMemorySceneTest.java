package io.github.bakefeature.core.scene;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bakefeature.api.scene.Aabb;
import io.github.bakefeature.api.scene.CameraIntrinsics;
import io.github.bakefeature.api.scene.LabelImage;
import io.github.bakefeature.api.scene.Pose;
import io.github.bakefeature.api.scene.RgbImage;
import java.util.List;
import org.junit.jupiter.api.Test;

class InMemorySceneTest {
  private static final CameraIntrinsics K = CameraIntrinsics.fromHorizontalFov(4, 3, 60);

  private static InMemoryScene.Builder withLabel(int id, boolean scribble) {
    short[] labels = new short[12];
    java.util.Arrays.fill(labels, LabelImage.UNLABELLED);
    labels[5] = (short) id;
    LabelImage l = new LabelImage(4, 3, labels);
    return InMemoryScene.builder().optBounds(new Aabb(-1, -1, -1, 1, 1, 1))
        .addFrame(K, Pose.identity(), new RgbImage(4, 3, new byte[36]), null, scribble ? null : l, scribble ? l : null);
  }

  @Test
  void rejectsLabelsAboveTheClassNamesGiven() {
    // Before: id 40 with 6 class names built fine; training grew the model to 41 classes and
    // evaluation dropped the pixels (a scene folder refuses such a file).
    IllegalArgumentException gt = assertThrows(IllegalArgumentException.class,
        () -> withLabel(40, false).optClassNames(List.of("a", "b", "c", "d", "e", "f")).build());
    assertTrue(gt.getMessage().contains("frame 0: ground truth hold class id 40, but the scene names 6 classes;"
        + " expected ids below 6"), gt.getMessage());
    IllegalArgumentException scribbles = assertThrows(IllegalArgumentException.class,
        () -> withLabel(2, true).optClassNames(List.of("a", "b")).build());
    assertTrue(scribbles.getMessage().contains("frame 0: scribbles hold class id 2"), scribbles.getMessage());
    assertEquals(2, withLabel(1, true).optClassNames(List.of("a", "b")).build().classNames().size());
  }

  @Test
  void labelsWithoutClassNamesGetAGeneratedNameForEveryId() {
    assertEquals(List.of("class 0", "class 1", "class 2"), withLabel(2, false).build().classNames());
    assertEquals(List.of(), InMemoryScene.builder().optBounds(new Aabb(-1, -1, -1, 1, 1, 1))
        .addFrame(K, Pose.identity(), new RgbImage(4, 3, new byte[36]), null, null, null).build().classNames());
  }
}
