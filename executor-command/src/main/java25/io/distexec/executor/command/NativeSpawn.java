package io.distexec.executor.command;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.File;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Java 22+ (this jar's {@code META-INF/versions/25}): tasks start through glibc's {@code
 * posix_spawnp} called with the FFM API, with {@code POSIX_SPAWN_SETSID}, so the program leads a
 * session of its own without the exec of {@code /usr/bin/setsid} in front of it, and without the
 * JDK's own child set-up (a {@code jspawnhelper} exec, or a loop over every open descriptor of the
 * worker). Measured on the machines here (issue 16): 2,200-2,700 {@code echo} starts a second at
 * 0.55-0.66 ms of the children's CPU each, against 630-740 a second at 2.1-2.4 ms through
 * ProcessBuilder and setsid. Where the symbols or native access are missing, there is no launcher
 * and the worker uses ProcessBuilder.
 */
final class NativeSpawn {

  private static final Logger LOG = Logger.getLogger(NativeSpawn.class.getName());

  /** Looked up once: the calls' handles serve every executor of the worker. */
  private static final Optional<SessionLauncher> LAUNCHER = create();

  private NativeSpawn() {}

  static Optional<SessionLauncher> launcher() {
    return LAUNCHER;
  }

  private static Optional<SessionLauncher> create() {
    if (!"Linux".equals(System.getProperty("os.name"))) {
      return Optional.empty();
    }
    try {
      return Optional.of(new PosixSpawn());
    } catch (RuntimeException | LinkageError e) {
      // No posix_spawn_file_actions_addclosefrom_np (glibc < 2.34, musl), or native access denied.
      LOG.log(Level.INFO, "posix_spawn through FFM unavailable; tasks start via ProcessBuilder", e);
      return Optional.empty();
    }
  }

  /** The calls, looked up once. */
  static final class PosixSpawn implements SessionLauncher {
    private static final int O_CLOEXEC = 0x80000;
    private static final int EINTR = 4;
    private static final int ESRCH = 3;
    private static final short POSIX_SPAWN_SETSIGDEF = 0x04;
    private static final short POSIX_SPAWN_SETSIGMASK = 0x08;
    private static final short POSIX_SPAWN_SETSID = 0x80;
    // glibc x86_64 and aarch64 sizes are 80 and 336 bytes; room to spare.
    private static final long FILE_ACTIONS_BYTES = 256;
    private static final long ATTR_BYTES = 512;
    private static final long SIGSET_BYTES = 128;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MemoryLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
        CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    private final MethodHandle pipe2 = call("pipe2", JAVA_INT, ADDRESS, JAVA_INT);
    private final MethodHandle close = call("close", JAVA_INT, JAVA_INT);
    private final MethodHandle faInit = call("posix_spawn_file_actions_init", JAVA_INT, ADDRESS);
    private final MethodHandle faDestroy =
        call("posix_spawn_file_actions_destroy", JAVA_INT, ADDRESS);
    private final MethodHandle faDup2 =
        call("posix_spawn_file_actions_adddup2", JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT);
    private final MethodHandle faChdir =
        call("posix_spawn_file_actions_addchdir_np", JAVA_INT, ADDRESS, ADDRESS);
    private final MethodHandle faCloseFrom =
        call("posix_spawn_file_actions_addclosefrom_np", JAVA_INT, ADDRESS, JAVA_INT);
    private final MethodHandle attrInit = call("posix_spawnattr_init", JAVA_INT, ADDRESS);
    private final MethodHandle attrDestroy = call("posix_spawnattr_destroy", JAVA_INT, ADDRESS);
    private final MethodHandle attrFlags =
        call("posix_spawnattr_setflags", JAVA_INT, ADDRESS, JAVA_SHORT);
    private final MethodHandle attrMask =
        call("posix_spawnattr_setsigmask", JAVA_INT, ADDRESS, ADDRESS);
    private final MethodHandle attrDefault =
        call("posix_spawnattr_setsigdefault", JAVA_INT, ADDRESS, ADDRESS);
    private final MethodHandle sigEmpty = call("sigemptyset", JAVA_INT, ADDRESS);
    private final MethodHandle sigFill = call("sigfillset", JAVA_INT, ADDRESS);
    private final MethodHandle spawnp =
        call("posix_spawnp", JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
    private final MethodHandle strerror = call("strerror", ADDRESS, JAVA_INT);
    // These two take a CALL_STATE segment first, where errno is left.
    private final MethodHandle waitpid = callKeepingErrno("waitpid", JAVA_INT, ADDRESS, JAVA_INT);
    private final MethodHandle kill = callKeepingErrno("kill", JAVA_INT, JAVA_INT);

    /**
     * Waits for each started process and reaps it, as the JDK's own "process reaper" threads do: a
     * thread per running process, blocked in waitpid (a native call, so not a virtual thread).
     */
    private static final ExecutorService REAPERS =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(null, r, "task reaper", 64 * 1024);
              t.setDaemon(true);
              return t;
            });

    private static MethodHandle call(String name, MemoryLayout result, MemoryLayout... args) {
      return call(name, FunctionDescriptor.of(result, args));
    }

    private static MethodHandle callKeepingErrno(String name, MemoryLayout... args) {
      return call(
          name, FunctionDescriptor.of(JAVA_INT, args), Linker.Option.captureCallState("errno"));
    }

    private static MethodHandle call(
        String name, FunctionDescriptor signature, Linker.Option... options) {
      SymbolLookup libc = LINKER.defaultLookup();
      return LINKER.downcallHandle(
          libc.find(name).orElseThrow(() -> new UnsupportedOperationException("no " + name)),
          signature,
          options);
    }

    @Override
    public boolean sessions() {
      return true;
    }

    @Override
    public String describe() {
      return "posix_spawn (FFM) with its own session";
    }

    /** {@code kill(-pgid, 0)}: no signal is sent, the kernel only says whether the group exists. */
    @Override
    public boolean groupEmpty(long pgid) {
      if (pgid <= 1) {
        return false; // -1 would mean every process, 0 the caller's own group
      }
      try (Arena arena = Arena.ofConfined()) {
        MemorySegment state = arena.allocate(CALL_STATE);
        int rc;
        try {
          rc = (int) kill.invokeExact(state, (int) -pgid, 0);
        } catch (Throwable t) {
          throw new IllegalStateException(t);
        }
        return rc != 0 && (int) ERRNO.get(state, 0L) == ESRCH;
      }
    }

    @Override
    public Process start(List<String> argv, File workdir, Map<String, String> env)
        throws IOException {
      try (Arena arena = Arena.ofConfined()) {
        // Every descriptor made here, closed on the way out: the child has its own copies.
        List<Integer> made = new ArrayList<>(6);
        int[] in;
        int[] out;
        int[] err;
        long pid;
        try {
          in = pipe(arena, made);
          out = pipe(arena, made);
          err = pipe(arena, made);
          pid = spawn(arena, argv, workdir, env, in[0], out[1], err[1]);
        } catch (IOException | RuntimeException e) {
          closeAll(made);
          throw e;
        }
        // Taken before the reaper can reap it: a quick program is gone from the table after that.
        ProcessHandle handle = ProcessHandle.of(pid).orElseThrow();
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        REAPERS.execute(
            () -> {
              try {
                exit.complete(reap(pid));
              } catch (RuntimeException | Error e) {
                exit.completeExceptionally(e); // waitFor says so rather than hang
                throw e;
              }
            });
        // Our ends are opened as Java streams while the child's ends are still open here too:
        // opening a pipe through /proc with nobody at the other end would block.
        OutputStream stdin = null;
        InputStream stdout = null;
        try {
          stdin = new FileOutputStream("/proc/self/fd/" + in[1]);
          stdout = new FileInputStream("/proc/self/fd/" + out[0]);
          InputStream stderr = new FileInputStream("/proc/self/fd/" + err[0]);
          return new Spawned(pid, handle, exit, stdin, stdout, stderr);
        } catch (IOException e) {
          // Out of descriptors, say: the task must not run on unseen.
          handle.destroyForcibly();
          closeQuietly(stdin);
          closeQuietly(stdout);
          throw e;
        } finally {
          closeAll(made);
        }
      }
    }

    private static void closeQuietly(java.io.Closeable stream) {
      if (stream != null) {
        try {
          stream.close();
        } catch (IOException e) {
          LOG.log(Level.FINE, "close failed", e);
        }
      }
    }

    private long spawn(
        Arena arena,
        List<String> argv,
        File workdir,
        Map<String, String> env,
        int stdin,
        int stdout,
        int stderr)
        throws IOException {
      MemorySegment actions = arena.allocate(FILE_ACTIONS_BYTES, 16);
      MemorySegment attr = arena.allocate(ATTR_BYTES, 16);
      check((int) invoke(faInit, actions), "posix_spawn_file_actions_init");
      try {
        check((int) invoke(faDup2, actions, stdin, 0), "adddup2");
        check((int) invoke(faDup2, actions, stdout, 1), "adddup2");
        check((int) invoke(faDup2, actions, stderr, 2), "adddup2");
        if (workdir != null) {
          check((int) invoke(faChdir, actions, arena.allocateFrom(workdir.getPath())), "addchdir");
        }
        // Nothing of the worker's (its sockets, its jars, other tasks' pipes) reaches the task.
        check((int) invoke(faCloseFrom, actions, 3), "addclosefrom");
        check((int) invoke(attrInit, attr), "posix_spawnattr_init");
        try {
          MemorySegment none = arena.allocate(SIGSET_BYTES, 16);
          MemorySegment all = arena.allocate(SIGSET_BYTES, 16);
          invoke(sigEmpty, none);
          invoke(sigFill, all);
          // Its own session; no blocked signal, and every signal at its default (a worker started
          // in the background may ignore SIGINT and SIGQUIT; the task should not inherit that).
          check(
              (int)
                  invoke(
                      attrFlags,
                      attr,
                      (short)
                          (POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)),
              "setflags");
          check((int) invoke(attrMask, attr, none), "setsigmask");
          check((int) invoke(attrDefault, attr, all), "setsigdefault");
          MemorySegment pid = arena.allocate(JAVA_INT);
          int rc =
              (int)
                  invoke(
                      spawnp,
                      pid,
                      arena.allocateFrom(argv.get(0)),
                      actions,
                      attr,
                      strings(arena, argv),
                      strings(
                          arena,
                          env.entrySet().stream()
                              .map(e -> e.getKey() + "=" + e.getValue())
                              .toList()));
          if (rc != 0) {
            throw new IOException(
                "Cannot run program \"" + argv.get(0) + "\": error=" + rc + ", " + message(rc));
          }
          return pid.get(JAVA_INT, 0);
        } finally {
          invoke(attrDestroy, attr);
        }
      } finally {
        invoke(faDestroy, actions);
      }
    }

    /** A NULL-terminated array of C strings. */
    private static MemorySegment strings(Arena arena, List<String> values) {
      MemorySegment array = arena.allocate(ADDRESS, values.size() + 1L);
      for (int i = 0; i < values.size(); i++) {
        array.setAtIndex(ADDRESS, i, arena.allocateFrom(values.get(i)));
      }
      array.setAtIndex(ADDRESS, values.size(), MemorySegment.NULL);
      return array;
    }

    /** A pipe's read and write ends, added to {@code made}. */
    private int[] pipe(Arena arena, List<Integer> made) throws IOException {
      MemorySegment fds = arena.allocate(JAVA_INT, 2);
      if ((int) invoke(pipe2, fds, O_CLOEXEC) != 0) {
        throw new IOException("could not make a pipe for the task (too many open files?)");
      }
      int[] ends = {fds.getAtIndex(JAVA_INT, 0), fds.getAtIndex(JAVA_INT, 1)};
      made.add(ends[0]);
      made.add(ends[1]);
      return ends;
    }

    private void closeAll(List<Integer> fds) {
      for (int fd : fds) {
        invoke(close, fd);
      }
    }

    /** The exit code as the JDK reports it: the code, or 128 plus the signal that ended it. */
    private int reap(long pid) {
      try (Arena arena = Arena.ofConfined()) {
        MemorySegment status = arena.allocate(JAVA_INT);
        MemorySegment state = arena.allocate(CALL_STATE);
        while (true) {
          int rc;
          try {
            rc = (int) waitpid.invokeExact(state, (int) pid, status, 0);
          } catch (Throwable t) {
            throw new IllegalStateException(t);
          }
          if (rc == pid) {
            int s = status.get(JAVA_INT, 0);
            int signal = s & 0x7f;
            return signal == 0 ? (s >> 8) & 0xff : 0x80 + signal;
          }
          if ((int) ERRNO.get(state, 0L) != EINTR) {
            LOG.warning("waitpid(" + pid + ") failed: errno " + ERRNO.get(state, 0L));
            return 0x80 + 9;
          }
        }
      }
    }

    private String message(int errno) {
      MemorySegment text = (MemorySegment) invoke(strerror, errno);
      return text.reinterpret(1024).getString(0);
    }

    private static void check(int rc, String what) throws IOException {
      if (rc != 0) {
        throw new IOException(what + " failed: error " + rc);
      }
    }

    private static Object invoke(MethodHandle handle, Object... args) {
      try {
        return handle.invokeWithArguments(args);
      } catch (RuntimeException | Error e) {
        throw e;
      } catch (Throwable t) {
        throw new IllegalStateException(t);
      }
    }
  }

  /** A process started by posix_spawn, as a {@link Process}. */
  static final class Spawned extends Process {
    private final CompletableFuture<Integer> exit;
    private final long pid;
    private final ProcessHandle handle;
    private final OutputStream stdin;
    private final InputStream stdout;
    private final InputStream stderr;

    Spawned(
        long pid,
        ProcessHandle handle,
        CompletableFuture<Integer> exit,
        OutputStream stdin,
        InputStream stdout,
        InputStream stderr) {
      this.pid = pid;
      this.handle = handle;
      this.exit = exit;
      this.stdin = stdin;
      this.stdout = stdout;
      this.stderr = stderr;
    }

    @Override
    public OutputStream getOutputStream() {
      return stdin;
    }

    @Override
    public InputStream getInputStream() {
      return stdout;
    }

    @Override
    public InputStream getErrorStream() {
      return stderr;
    }

    @Override
    public int waitFor() throws InterruptedException {
      try {
        return exit.get();
      } catch (ExecutionException e) {
        throw new IllegalStateException(e.getCause());
      }
    }

    @Override
    public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
      try {
        exit.get(timeout, unit);
        return true;
      } catch (TimeoutException e) {
        return false;
      } catch (ExecutionException e) {
        throw new IllegalStateException(e.getCause());
      }
    }

    @Override
    public int exitValue() {
      Integer code = exit.getNow(null);
      if (code == null) {
        throw new IllegalThreadStateException("process " + pid + " has not exited");
      }
      return code;
    }

    @Override
    public boolean isAlive() {
      return !exit.isDone();
    }

    /** Signals only while not reaped: after that its pid may be another process's. */
    @Override
    public void destroy() {
      if (isAlive()) {
        handle.destroy();
      }
    }

    @Override
    public Process destroyForcibly() {
      if (isAlive()) {
        handle.destroyForcibly();
      }
      return this;
    }

    @Override
    public boolean supportsNormalTermination() {
      return true;
    }

    @Override
    public long pid() {
      return pid;
    }

    @Override
    public ProcessHandle toHandle() {
      return handle;
    }

    @Override
    public CompletableFuture<Process> onExit() {
      return exit.thenApply(code -> this);
    }
  }
}
