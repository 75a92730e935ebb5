/**
 * The executor plugin SPI of distexec.
 *
 * <p>A worker runs every task through an {@link io.distexec.executor.Executor} chosen by the task's
 * type. The SPI is plain Java so that a plugin depends on nothing but this package: no container,
 * gRPC or JSON types. The built-in command executor (module {@code executor-command}, always
 * present on workers) runs a program as an argv array, never through a shell.
 */
package io.distexec.executor;
