/**
 * Methods: the published teacher–student protocols and their baselines as pure functions (render prompts, parse
 * outputs, decide the next model call) and the grader that extracts and compares answers. No I/O, no database,
 * no model client: the runs module executes what a method asks for and hands the outputs back.
 */
@NullMarked
package dev.distillery.methods;

import org.jspecify.annotations.NullMarked;
