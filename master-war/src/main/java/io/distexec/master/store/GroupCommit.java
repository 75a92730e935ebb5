package io.distexec.master.store;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Commits concurrent writers' work together (group commit). While one transaction commits, the
 * writers that arrive meanwhile wait; when it ends, one of them commits everything that waits, up
 * to {@code max} items, in one transaction. A writer returns only when its own item is committed
 * (or has failed), so nothing is acknowledged before it is durable; a lone writer commits at once,
 * without a timer or any added wait. Under load a commit (a file write on the embedded store) is
 * shared by many jobs instead of paid by each.
 *
 * @param <I> what a writer asks to store
 * @param <O> what it gets back
 */
final class GroupCommit<I, O> {

  private static final Logger LOG = Logger.getLogger(GroupCommit.class.getName());

  /** What became of one item: its value, or why it failed. */
  record Outcome<O>(O value, Exception failure) {
    static <O> Outcome<O> of(O value) {
      return new Outcome<>(value, null);
    }

    static <O> Outcome<O> failed(Exception failure) {
      return new Outcome<>(null, failure);
    }

    /**
     * The value, or the failure thrown: as itself when it is a {@code checked} one or unchecked,
     * wrapped otherwise.
     */
    <X extends Exception> O orThrow(Class<X> checked) throws X {
      if (failure == null) {
        return value;
      }
      if (checked.isInstance(failure)) {
        throw checked.cast(failure);
      }
      if (failure instanceof RuntimeException e) {
        throw e;
      }
      throw new IllegalStateException(failure);
    }
  }

  /** Stores some items in one transaction, or throws when it fails as a whole. */
  @FunctionalInterface
  interface Transaction<T> {
    T run() throws Exception;
  }

  /**
   * The work of a group as both stores do it: all items in one transaction; if that fails as a
   * whole (one item's key was taken, a store error, a newer leader's fence), each item in a
   * transaction of its own, so that each gets its own answer. A lone item is stored alone at once.
   */
  static <I, O> List<Outcome<O>> togetherOrEachAlone(
      List<I> items,
      Transaction<List<Outcome<O>>> together,
      Function<I, Transaction<Outcome<O>>> alone) {
    if (items.size() > 1) {
      try {
        return together.run();
      } catch (Exception e) {
        LOG.log(Level.FINE, "a group failed together; storing each of its items alone", e);
      }
    }
    List<Outcome<O>> outcomes = new ArrayList<>(items.size());
    for (I item : items) {
      try {
        outcomes.add(alone.apply(item).run());
      } catch (Exception e) {
        outcomes.add(Outcome.failed(e));
      }
    }
    return outcomes;
  }

  /** Stores items in one transaction; one outcome per item, in their order. */
  @FunctionalInterface
  interface Work<I, O> {
    List<Outcome<O>> commit(List<I> items);
  }

  private static final class Waiting<I, O> {
    final I item;
    Outcome<O> outcome;

    Waiting(I item) {
      this.item = item;
    }
  }

  private final Work<I, O> work;
  private final int max;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition committed = lock.newCondition();
  private final ArrayDeque<Waiting<I, O>> waiting = new ArrayDeque<>();
  private boolean committing;

  GroupCommit(Work<I, O> work, int max) {
    this.work = work;
    this.max = max;
  }

  /** Stores {@code item}, with whatever else waits, and returns once it is committed. */
  Outcome<O> commit(I item) {
    Waiting<I, O> mine = new Waiting<>(item);
    lock.lock();
    try {
      waiting.add(mine);
      while (mine.outcome == null) {
        if (committing) {
          committed.awaitUninterruptibly();
        } else {
          commitWaiting();
        }
      }
      return mine.outcome;
    } finally {
      lock.unlock();
    }
  }

  /** Items waiting for a commit (for tests). */
  int waiting() {
    lock.lock();
    try {
      return waiting.size();
    } finally {
      lock.unlock();
    }
  }

  /** Commits up to {@code max} waiting items, outside the lock; called holding it. */
  private void commitWaiting() {
    committing = true;
    List<Waiting<I, O>> batch = new ArrayList<>(Math.min(max, waiting.size()));
    while (!waiting.isEmpty() && batch.size() < max) {
      batch.add(waiting.poll());
    }
    List<I> items = new ArrayList<>(batch.size());
    batch.forEach(w -> items.add(w.item));
    List<Outcome<O>> outcomes = null;
    RuntimeException failed = null;
    lock.unlock();
    try {
      outcomes = work.commit(items);
    } catch (RuntimeException e) {
      failed = e;
    } finally {
      lock.lock();
      for (int i = 0; i < batch.size(); i++) {
        batch.get(i).outcome =
            outcomes != null
                ? outcomes.get(i)
                : Outcome.failed(
                    failed != null ? failed : new IllegalStateException("the commit did not end"));
      }
      committing = false;
      committed.signalAll();
    }
  }
}
