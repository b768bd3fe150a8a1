/** JMH micro-benchmarks and the end-to-end benchmark harness. */
package io.github.bakefeature.benchmarks;
