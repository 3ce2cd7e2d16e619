/**
 * Methods: the published teacher–student protocols and their baselines as pure functions (render prompts, parse
 * outputs, decide the next model call). No I/O, no database, no model client: the runs module executes what a
 * method asks for, hands the outputs back, and grades the predictions with the grading module's grader.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"shared"})
@NullMarked
package dev.distillery.methods;

import org.jspecify.annotations.NullMarked;
