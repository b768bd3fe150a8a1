/** CUDA kernels for the hash grid and ray compositing, loaded through JCuda when a GPU is present. */
package io.github.bakefeature.cuda;
