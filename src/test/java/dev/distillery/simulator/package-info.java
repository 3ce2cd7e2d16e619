/**
 * An in-process, OpenAI-compatible HTTP simulator for tests and benchmarks.
 *
 * <p>{@link dev.distillery.simulator.OpenAiSimulator} is a real HTTP server on 127.0.0.1 that speaks the
 * chat completions, legacy completions and models endpoints, and the files and fine-tuning jobs API. Replies are deterministic by default and can be
 * scripted with rules; faults (rate limits, server errors, hangs, broken bodies) can be injected on demand.
 * It lives in test scope on purpose: production code never talks to it, only the tests and benchmarks do.
 */
package dev.distillery.simulator;
