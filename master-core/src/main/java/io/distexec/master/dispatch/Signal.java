package io.distexec.master.dispatch;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/** Wakes the dispatch loop when something changed; a signal given while it works is not lost. */
final class Signal {

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private boolean signalled;

  void raise() {
    lock.lock();
    try {
      signalled = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Returns at once if raised since the last call, else after a raise or {@code atMost}. */
  void await(Duration atMost) throws InterruptedException {
    lock.lock();
    try {
      if (!signalled) {
        changed.await(Math.max(1, atMost.toMillis()), TimeUnit.MILLISECONDS);
      }
      signalled = false;
    } finally {
      lock.unlock();
    }
  }
}
